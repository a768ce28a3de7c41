app_name = "fakemollie"
urlpatterns = []
