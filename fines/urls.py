from django.urls import path

from . import objection_views, views

app_name = "fines"
urlpatterns = [
    path("opzoeken/", views.lookup, name="lookup"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/betalen/", views.pay, name="pay"),
    path("<int:pk>/bewaren/", views.keep, name="keep"),
    path("<int:pk>/bewijs/<int:evidence_pk>/", views.evidence, name="evidence"),
    path("<int:pk>/brieven/<int:document_pk>/", views.document, name="document"),
    path("<int:pk>/bezwaar/", objection_views.object_to_case, name="object"),
    path("<int:pk>/bezwaar/<int:objection_pk>/bijlagen/<int:attachment_pk>/", objection_views.attachment,
         name="attachment"),
    path("<int:pk>/bestuurder/", objection_views.name_driver, name="name_driver"),
]
