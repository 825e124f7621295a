from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from web.access import for_role


@for_role(User.Role.SME)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/sme/home.html")
