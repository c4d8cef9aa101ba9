"""Tests of the generated Python client against a live bilateral-server.

Runs against the installed bilateral-client wheel, in a virtual environment
that also has googleapis-common-protos and google-api-core (test.sh makes
it). Needs BILATERAL_ENDPOINT (plaintext), BILATERAL_API_KEY (writer role)
and BILATERAL_READER_KEY (reader role); run through client/python/test.sh. The
server holds the seed data and may serve other tests at the same time, so
every record made here has an id unique to the run and no visit made here is
to Kazakhstan, whose seeded visits other tests count.
"""

import os
import queue
import threading
import time
import uuid

import grpc
import pytest

import bilateral_client
from bilateral.v1 import change_pb2, change_pb2_grpc, common_pb2
from bilateral.v1 import source_pb2, source_pb2_grpc, visit_pb2, visit_pb2_grpc
from google.api_core import exceptions as api_core_exceptions
from google.rpc import error_details_pb2, status_pb2

TIMEOUT = 10  # seconds, for each unary call
SEED_KZ_VISITS = {
    "visits/xi-jinping-kz-2013",
    "visits/xi-jinping-kz-2022-09",
    "visits/xi-jinping-kz-2024",
}
RUN = f"py{uuid.uuid4().hex[:10]}"  # ids of this run's records start with it


def env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run client/python/test.sh from scripts/clients_test.sh")
    return value


@pytest.fixture(scope="module")
def channel():
    with bilateral_client.connect(env("BILATERAL_ENDPOINT"), env("BILATERAL_API_KEY")) as channel:
        yield channel


@pytest.fixture(scope="module")
def sources(channel):
    return source_pb2_grpc.SourceServiceStub(channel)


@pytest.fixture(scope="module")
def visits(channel):
    return visit_pb2_grpc.VisitServiceStub(channel)


@pytest.fixture(scope="module")
def source(sources):
    """A source this run's visits cite."""
    return create_source(sources, f"{RUN}-source")


def create_source(sources, source_id):
    return sources.CreateSource(
        source_pb2.CreateSourceRequest(
            source_id=source_id,
            request_id=str(uuid.uuid4()),
            source=source_pb2.Source(
                title=f"Python client test source {source_id}",
                publisher="Test Gazette",
                kind=source_pb2.SOURCE_KIND_NEWS_ARTICLE,
                language="en",
                publication_date=common_pb2.Date(year=2024, month=7, day=3),
            ),
        ),
        timeout=TIMEOUT,
    )


def new_visit(source, visitor, year):
    return visit_pb2.Visit(
        visitor=common_pb2.Person(name=visitor, office="Test Envoy", country="CN"),
        host_country="UZ",
        start_date=common_pb2.Date(year=year, month=5),
        kind=visit_pb2.VISIT_KIND_WORKING,
        cities=["Tashkent"],
        citations=[common_pb2.Citation(source=source.name, quote=f"{visitor} arrived in Tashkent.")],
    )


def test_installed_package_and_the_standard_google_rpc():
    # The wheel's modules, not a source tree's; google.rpc from
    # googleapis-common-protos, the one package every library shares.
    assert os.sep + "site-packages" + os.sep in bilateral_client.__file__
    assert os.sep + "site-packages" + os.sep in visit_pb2.__file__
    assert bilateral_client.__version__
    for module in (status_pb2, error_details_pb2):
        assert module.__name__.startswith("google.rpc.")
        assert f"{os.sep}google{os.sep}rpc{os.sep}" in module.__file__
        assert os.sep + "site-packages" + os.sep in module.__file__


def test_create_and_get_a_visit_citing_a_source(sources, visits, source):
    assert source.name == f"sources/{RUN}-source"
    assert sources.GetSource(source_pb2.GetSourceRequest(name=source.name), timeout=TIMEOUT) == source

    request = visit_pb2.CreateVisitRequest(
        visit_id=f"{RUN}-visit",
        request_id=str(uuid.uuid4()),
        visit=new_visit(source, f"Envoy {RUN}", 2021),
    )
    created = visits.CreateVisit(request, timeout=TIMEOUT)
    assert created.name == f"visits/{RUN}-visit"
    assert created.host_country == "countries/UZ"  # alpha-2 in, canonical name out
    assert created.visitor.country == "countries/CN"
    assert created.etag and created.create_time.seconds > 0

    got = visits.GetVisit(visit_pb2.GetVisitRequest(name=created.name), timeout=TIMEOUT)
    assert got.name == created.name
    assert got.visitor.name == f"Envoy {RUN}"
    assert got.start_date == common_pb2.Date(year=2021, month=5)
    assert list(got.cities) == ["Tashkent"]
    assert got.citations[0].source == source.name

    # The same request_id again returns the first result, not a duplicate.
    assert visits.CreateVisit(request, timeout=TIMEOUT).name == created.name


def list_pages(visits, request):
    """Every page of a List call, as lists of names."""
    pages = []
    request = visit_pb2.ListVisitsRequest(
        page_size=request.page_size, filter=request.filter, order_by=request.order_by
    )
    while True:
        response = visits.ListVisits(request, timeout=TIMEOUT)
        pages.append([visit.name for visit in response.visits])
        if not response.next_page_token:
            return pages
        request.page_token = response.next_page_token


def test_lists_seeded_visits_across_pages(visits):
    request = visit_pb2.ListVisitsRequest(page_size=1, filter='host_country = "KZ"', order_by="start_date")
    pages = list_pages(visits, request)
    names = [name for page in pages for name in page]
    assert all(len(page) <= 1 for page in pages)
    assert len(names) == len(set(names)), f"duplicates across pages: {names}"
    # The seed's three; other tests on the same server may add more.
    assert SEED_KZ_VISITS <= set(names)
    assert [n for n in names if n in SEED_KZ_VISITS] == sorted(SEED_KZ_VISITS)  # by start_date

    # list_all yields the same records, and so does one big page.
    assert [v.name for v in bilateral_client.list_all(visits.ListVisits, request, timeout=TIMEOUT)] == names
    request.page_size = 1000
    assert [v.name for v in visits.ListVisits(request, timeout=TIMEOUT).visits] == names


def test_lists_this_runs_visits_across_pages(visits, source):
    visitor = f"Pager {RUN}"
    created = []
    for year in (2019, 2020, 2021):
        created.append(
            visits.CreateVisit(
                visit_pb2.CreateVisitRequest(
                    visit_id=f"{RUN}-pager-{year}",
                    request_id=str(uuid.uuid4()),
                    visit=new_visit(source, visitor, year),
                ),
                timeout=TIMEOUT,
            ).name
        )
    request = visit_pb2.ListVisitsRequest(page_size=1, filter=f'visitor.name = "{visitor}"', order_by="start_date")
    pages = list_pages(visits, request)
    assert [name for page in pages for name in page] == created  # exactly these, once each, in date order
    assert len([page for page in pages if page]) == 3


def test_invalid_request_lists_every_field_violation(visits):
    bad = visit_pb2.Visit(
        visitor=common_pb2.Person(name="Nobody", country="CN"),
        host_country="CN",  # the visitor's own country
        start_date=common_pb2.Date(year=2024, month=13),
    )
    with pytest.raises(grpc.RpcError) as raised:
        visits.CreateVisit(
            visit_pb2.CreateVisitRequest(visit_id=f"{RUN}-bad", request_id=str(uuid.uuid4()), visit=bad),
            timeout=TIMEOUT,
        )
    error = raised.value
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    fields = {field for field, _ in bilateral_client.field_violations(error)}
    assert {"visit.host_country", "visit.start_date.month", "visit.citations"} <= fields, fields
    info = bilateral_client.error_info(error)
    assert info is not None and info.reason == "FIELD_VIOLATION" and info.domain == "bilateral.v1"
    status = bilateral_client.status_details(error)
    assert isinstance(status, status_pb2.Status)
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]

    # google-api-core, loaded in the same process, reads the same details.
    converted = api_core_exceptions.from_grpc_error(error)
    assert isinstance(converted, api_core_exceptions.InvalidArgument)
    bad_requests = [d for d in converted.details if isinstance(d, error_details_pb2.BadRequest)]
    assert bad_requests, converted.details
    assert fields <= {v.field for bad_request in bad_requests for v in bad_request.field_violations}


def test_call_without_api_key_is_unauthenticated():
    with bilateral_client.connect(env("BILATERAL_ENDPOINT"), api_key="") as channel:
        with pytest.raises(grpc.RpcError) as raised:
            visit_pb2_grpc.VisitServiceStub(channel).GetVisit(
                visit_pb2.GetVisitRequest(name="visits/xi-jinping-kz-2024"), timeout=TIMEOUT
            )
    assert raised.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_reader_key_reads_but_cannot_write():
    with bilateral_client.connect(env("BILATERAL_ENDPOINT"), env("BILATERAL_READER_KEY")) as channel:
        reader_visits = visit_pb2_grpc.VisitServiceStub(channel)
        got = reader_visits.GetVisit(visit_pb2.GetVisitRequest(name="visits/xi-jinping-kz-2024"), timeout=TIMEOUT)
        assert got.name == "visits/xi-jinping-kz-2024"
        with pytest.raises(grpc.RpcError) as raised:
            create_source(source_pb2_grpc.SourceServiceStub(channel), f"{RUN}-by-reader")
    assert raised.value.code() == grpc.StatusCode.PERMISSION_DENIED


class Watch:
    """A WatchChanges stream read on a thread into a queue of events."""

    def __init__(self, channel, request):
        self.call = change_pb2_grpc.ChangeServiceStub(channel).WatchChanges(request, timeout=60)
        self.events = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        try:
            for response in self.call:
                for event in response.events:
                    self.events.put(event)
        except grpc.RpcError:
            pass  # cancelled, or failed: the test reads call.code()

    def wait_for(self, wanted, seconds):
        """The events of kind CREATED whose names are in `wanted`, in the
        order they arrived, once all arrived or `seconds` passed."""
        found = {}
        deadline = time.monotonic() + seconds
        while len(found) < len(wanted) and time.monotonic() < deadline:
            try:
                event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            if event.kind == change_pb2.CHANGE_KIND_CREATED and event.name in wanted:
                found[event.name] = event
        return list(found.values())

    def cancel(self):
        self.call.cancel()
        self.thread.join(timeout=5)


def test_change_feed_streams_created_records(channel, sources, visits, source):
    watch = Watch(channel, change_pb2.WatchChangesRequest())  # no cursor: from now on
    try:
        # The server starts the stream while this test goes on: write probe
        # records until one comes through, so the stream is known to be live.
        for attempt in range(10):
            probe = create_source(sources, f"{RUN}-probe-{attempt}")
            if watch.wait_for({probe.name}, seconds=1):
                break
        else:
            pytest.fail("the change feed delivered none of the probe records")

        new_source = create_source(sources, f"{RUN}-watched-source")
        new_visit_record = visits.CreateVisit(
            visit_pb2.CreateVisitRequest(
                visit_id=f"{RUN}-watched-visit",
                request_id=str(uuid.uuid4()),
                visit=new_visit(new_source, f"Watched {RUN}", 2022),
            ),
            timeout=TIMEOUT,
        )
        events = watch.wait_for({new_source.name, new_visit_record.name}, seconds=15)
        assert [event.name for event in events] == [new_source.name, new_visit_record.name]  # commit order

        source_event, visit_event = events
        assert source_event.cursor and source_event.etag == new_source.etag
        unpacked_source = source_pb2.Source()
        assert source_event.record.Unpack(unpacked_source)
        assert unpacked_source.title == new_source.title

        unpacked_visit = visit_pb2.Visit()
        assert visit_event.record.Is(visit_pb2.Visit.DESCRIPTOR)
        assert visit_event.record.Unpack(unpacked_visit)
        assert unpacked_visit.name == new_visit_record.name
        assert unpacked_visit.visitor.name == f"Watched {RUN}"
        assert unpacked_visit.citations[0].source == new_source.name
    finally:
        watch.cancel()
    assert watch.call.code() == grpc.StatusCode.CANCELLED
