"""The product's URLs plus the two yardsticks for the API's throughput on the same server.

/bench/trivial.json answers at once; /bench/one-insert.json writes one durable row first (an audit-log line,
committed, as every API look-up must), which is the real floor under an audited look-up.
"""

from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from nav_sikkerhet.core.models import AuditLogEntry
from nav_sikkerhet.urls import urlpatterns as product_urlpatterns


@csrf_exempt
def trivial(request):
    return JsonResponse({"ok": True})


@csrf_exempt
def one_insert(request):
    AuditLogEntry.objects.create(
        created_at=timezone.now(), actor_ident="bench", personident="00000000000", action="bench.one_insert",
        message="Benchmark yardstick", request_path=request.path, request_method=request.method,
    )
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/trivial.json", trivial, name="bench-trivial"),
    path("bench/one-insert.json", one_insert, name="bench-one-insert"),
    *product_urlpatterns,
]
