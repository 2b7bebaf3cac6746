from django.urls import path

from language.views import set_language

urlpatterns = [path("setlang/", set_language, name="set_language")]
