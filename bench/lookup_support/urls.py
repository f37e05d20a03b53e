"""The product's URLs plus /bench/trivial.json: the yardstick for the API's throughput on the same server."""

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from nav_sikkerhet.urls import urlpatterns as product_urlpatterns


@csrf_exempt
def trivial(request):
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/trivial.json", trivial, name="bench-trivial"), *product_urlpatterns]
