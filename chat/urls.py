from django.urls import path

from . import live, views

app_name = "chat"
urlpatterns = [
    path("", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sturen/", views.post, name="post"),
    path("<int:pk>/berichten/", views.messages_after, name="messages"),
    path("<int:pk>/stand/", views.status, name="status"),
    path("<int:pk>/live/", live.conversation_events, name="events"),
    path("<int:pk>/sluiten/", views.close_view, name="close"),
    path("<int:pk>/verslag/", views.transcript_view, name="transcript"),
    path("<int:pk>/bijlagen/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("terug/<str:signed>/", views.guest_link, name="guest_link"),
]
