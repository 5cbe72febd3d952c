"""A claim added by a form or a service is checked for repeats once its transaction commits
(bulk writes, which send no signal, are found by the periodic ``scan_new_claims``)."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from claims.models import Claim


@receiver(post_save, sender=Claim, dispatch_uid="watch_claim_repeats")
def claim_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        from watch.tasks import check_claim_repeats

        transaction.on_commit(lambda: check_claim_repeats.enqueue(instance.pk))
