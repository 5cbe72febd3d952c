"""The newsroom's admin site: Django's, with autocomplete results that say what each choice
is (a claim's speaker, date and status), so a draft is never picked for a published one."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        label = getattr(self.model_admin, "autocomplete_label", None)
        result = super().serialize_result(obj, to_field_name)
        if label is not None:
            result["text"] = label(obj)
        return result


class NewsroomAdminSite(admin.AdminSite):
    index_title = "Curation"
    # The home page is the desk (claims/admin/desk.py): the review queue by case, what needs
    # attention and the latest changes, above the list of models.
    index_template = "admin/desk_index.html"

    def index(self, request, extra_context=None):
        from claims.admin.desk import desk_context

        return super().index(request, {**desk_context(request.user), **(extra_context or {})})

    @property
    def site_header(self):
        return f"{settings.SITE_NAME} newsroom"

    @property
    def site_title(self):
        return settings.SITE_NAME

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class NewsroomAdminConfig(AdminConfig):
    default_site = "rust_tracker.admin_site.NewsroomAdminSite"

    def ready(self):
        super().ready()
        # Every autocomplete widget drops posted values that are not ids before its query:
        # a form shown again with "abc" for a speaker is the form with its error, not a 500.
        from rust_tracker import admin_widgets

        admin_widgets.install()
