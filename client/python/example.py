"""Gets one visit and lists the visits to Kazakhstan, page after page.

    pip install bilateral-client   # or the wheel client/python/build.sh makes
    BILATERAL_ENDPOINT=127.0.0.1:50051 BILATERAL_API_KEY=... python example.py
"""

import sys

import grpc

import bilateral_client
from bilateral.v1 import visit_pb2, visit_pb2_grpc


def partial_date(date):
    """2024, 2024-07 or 2024-07-02: as precise as the source was."""
    parts = [f"{date.year:04}", f"{date.month:02}", f"{date.day:02}"]
    return "-".join(parts[: 1 + bool(date.month) + bool(date.day)])


def main():
    with bilateral_client.connect() as channel:  # BILATERAL_ENDPOINT, BILATERAL_API_KEY
        visits = visit_pb2_grpc.VisitServiceStub(channel)
        try:
            visit = visits.GetVisit(visit_pb2.GetVisitRequest(name="visits/xi-jinping-kz-2024"), timeout=10)
            print(f"{visit.name}: {visit.visitor.name} in {visit.host_country}, {visit.start_date.year}")

            request = visit_pb2.ListVisitsRequest(
                filter='host_country = "KZ"', order_by="start_date", page_size=2
            )
            for visit in bilateral_client.list_all(visits.ListVisits, request, timeout=10):
                print(f"  {partial_date(visit.start_date):10}  {visit.name}")
        except grpc.RpcError as error:
            print(f"{error.code().name}: {error.details()}", file=sys.stderr)
            for field, description in bilateral_client.field_violations(error):
                print(f"  {field}: {description}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
