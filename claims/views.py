from django.shortcuts import render


def home(request):
    return render(request, "claims/home.html")


def contradiction_detail(request, slug):
    return render(request, "claims/contradiction_detail.html")
