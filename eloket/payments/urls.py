from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("<uuid:token>/", views.return_page, name="return"),
    path("<uuid:token>/opnieuw/", views.retry, name="retry"),
    path("verzoek/<int:pk>/", views.request_detail, name="request_detail"),
    path("verzoek/<int:pk>/betalen/", views.request_pay, name="request_pay"),
]
