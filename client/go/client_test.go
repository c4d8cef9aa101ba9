package bilateral_test

// These tests call a live bilateral-server: BILATERAL_ENDPOINT (host:port,
// plaintext), BILATERAL_API_KEY (a writer's key) and BILATERAL_READER_KEY (a
// reader's key, optional) say where and how. Every record they create has an
// id unique to the run, so runs against one server do not collide.

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	bilateral "github.com/bilateral/bilateral/client/go"
	bilateralv1 "github.com/bilateral/bilateral/client/go/gen/bilateral/v1"
)

var (
	endpoint  string
	writerKey string
	readerKey string
	// Prefix of every id this run creates: a letter first, then [a-z0-9-].
	runID string
)

// The seed's visits to Kazakhstan (data/seed/china-kazakhstan-2024.json).
var seedVisitsToKazakhstan = []string{
	"visits/xi-jinping-kz-2013",
	"visits/xi-jinping-kz-2022-09",
	"visits/xi-jinping-kz-2024",
}

func TestMain(m *testing.M) {
	endpoint = os.Getenv("BILATERAL_ENDPOINT")
	writerKey = os.Getenv("BILATERAL_API_KEY")
	readerKey = os.Getenv("BILATERAL_READER_KEY")
	if endpoint == "" || writerKey == "" {
		fmt.Fprintln(os.Stderr, "client_test: set BILATERAL_ENDPOINT (host:port of a live server, "+
			"plaintext) and BILATERAL_API_KEY (a writer's key)")
		os.Exit(2)
	}
	runID = fmt.Sprintf("go-%d", time.Now().UnixNano())
	os.Exit(m.Run())
}

// connect returns a connection that sends key (none when empty), closed when
// the test ends.
func connect(t *testing.T, key string) *grpc.ClientConn {
	t.Helper()
	conn, err := bilateral.Connect(endpoint, key)
	if err != nil {
		t.Fatalf("Connect(%s): %v", endpoint, err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// callContext bounds a test's calls, so that a stuck server fails the test
// instead of hanging it.
func callContext(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wantCode(t *testing.T, what string, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Fatalf("%s: got %v (%v), want %v", what, got, err, want)
	}
}

func createSource(ctx context.Context, t *testing.T, conn *grpc.ClientConn, id string) *bilateralv1.Source {
	t.Helper()
	source, err := bilateralv1.NewSourceServiceClient(conn).CreateSource(ctx, &bilateralv1.CreateSourceRequest{
		SourceId:  id,
		RequestId: id,
		Source: &bilateralv1.Source{
			Title:           "Go client test source " + id,
			Publisher:       "bilateral tests",
			Kind:            bilateralv1.SourceKind_SOURCE_KIND_NEWS_ARTICLE,
			Language:        "en",
			PublicationDate: &bilateralv1.Date{Year: 2024, Month: 7},
		},
	})
	if err != nil {
		t.Fatalf("CreateSource %s: %v", id, err)
	}
	return source
}

// createVisit stores a visit citing source. Its host is Uzbekistan, so the
// seed's visits to Kazakhstan that other tests list stay as they are.
func createVisit(ctx context.Context, t *testing.T, conn *grpc.ClientConn, id, source string) *bilateralv1.Visit {
	t.Helper()
	visit, err := bilateralv1.NewVisitServiceClient(conn).CreateVisit(ctx, newVisitRequest(id, source))
	if err != nil {
		t.Fatalf("CreateVisit %s: %v", id, err)
	}
	return visit
}

func newVisitRequest(id, source string) *bilateralv1.CreateVisitRequest {
	return &bilateralv1.CreateVisitRequest{
		VisitId:   id,
		RequestId: id,
		Visit: &bilateralv1.Visit{
			Visitor: &bilateralv1.Person{
				Name:    "Go Client " + id,
				Office:  "Tester",
				Country: "CN",
			},
			HostCountry: "UZB", // alpha-3 in, countries/UZ out
			StartDate:   &bilateralv1.Date{Year: 2024, Month: 7, Day: 4},
			Kind:        bilateralv1.VisitKind_VISIT_KIND_WORKING,
			Cities:      []string{"Tashkent"},
			Citations: []*bilateralv1.Citation{{
				Source: source,
				Quote:  "A quote that supports the visit " + id + ".",
			}},
		},
	}
}

func TestCreateSourceAndVisitThenGet(t *testing.T) {
	conn := connect(t, writerKey)
	ctx := callContext(t)
	source := createSource(ctx, t, conn, runID+"-source")
	if want := "sources/" + runID + "-source"; source.GetName() != want {
		t.Fatalf("source name %q, want %q", source.GetName(), want)
	}

	visits := bilateralv1.NewVisitServiceClient(conn)
	request := newVisitRequest(runID+"-visit", source.GetName())
	created, err := visits.CreateVisit(ctx, request)
	if err != nil {
		t.Fatalf("CreateVisit: %v", err)
	}
	if want := "visits/" + runID + "-visit"; created.GetName() != want {
		t.Errorf("visit name %q, want %q", created.GetName(), want)
	}
	if created.GetHostCountry() != "countries/UZ" || created.GetVisitor().GetCountry() != "countries/CN" {
		t.Errorf("countries not canonical: host %q, visitor %q",
			created.GetHostCountry(), created.GetVisitor().GetCountry())
	}
	if created.GetEtag() == "" || created.GetCreateTime() == nil {
		t.Errorf("output-only fields missing: %v", created)
	}

	// A retry with the same request_id returns the first result.
	retried, err := visits.CreateVisit(ctx, request)
	if err != nil {
		t.Fatalf("CreateVisit retried with the same request_id: %v", err)
	}
	if retried.GetName() != created.GetName() {
		t.Errorf("retried create returned %q, want %q", retried.GetName(), created.GetName())
	}

	got, err := visits.GetVisit(ctx, &bilateralv1.GetVisitRequest{Name: created.GetName()})
	if err != nil {
		t.Fatalf("GetVisit: %v", err)
	}
	if got.GetName() != created.GetName() || got.GetVisitor().GetName() != request.GetVisit().GetVisitor().GetName() ||
		!proto.Equal(got.GetStartDate(), request.GetVisit().GetStartDate()) ||
		len(got.GetCitations()) != 1 || got.GetCitations()[0].GetSource() != source.GetName() {
		t.Errorf("GetVisit returned %v, want what was created: %v", got, created)
	}

	_, err = visits.GetVisit(ctx, &bilateralv1.GetVisitRequest{Name: "visits/" + runID + "-absent"})
	wantCode(t, "GetVisit of an absent visit", err, codes.NotFound)
}

func TestListVisitsPageByPage(t *testing.T) {
	visits := bilateralv1.NewVisitServiceClient(connect(t, writerKey))
	ctx := callContext(t)
	const filter = `host_country = "KZ"`

	seen := map[string]bool{}
	var paged []string
	request := &bilateralv1.ListVisitsRequest{PageSize: 1, Filter: filter}
	for pages := 1; ; pages++ {
		if pages > 1000 {
			t.Fatalf("ListVisits did not end after %d pages", pages)
		}
		response, err := visits.ListVisits(ctx, request)
		if err != nil {
			t.Fatalf("ListVisits page %d: %v", pages, err)
		}
		if n := len(response.GetVisits()); n > 1 {
			t.Fatalf("page %d has %d visits, want at most page_size 1", pages, n)
		}
		for _, visit := range response.GetVisits() {
			if seen[visit.GetName()] {
				t.Fatalf("%s listed twice", visit.GetName())
			}
			seen[visit.GetName()] = true
			paged = append(paged, visit.GetName())
			if visit.GetHostCountry() != "countries/KZ" {
				t.Errorf("%s has host_country %q, outside the filter", visit.GetName(), visit.GetHostCountry())
			}
		}
		if response.GetNextPageToken() == "" {
			break
		}
		request.PageToken = response.GetNextPageToken()
	}
	for _, name := range seedVisitsToKazakhstan {
		if !seen[name] {
			t.Errorf("seed visit %s missing from the pages %v", name, paged)
		}
	}

	// Page by page lists what one page does.
	whole, err := visits.ListVisits(ctx, &bilateralv1.ListVisitsRequest{PageSize: 1000, Filter: filter})
	if err != nil {
		t.Fatalf("ListVisits in one page: %v", err)
	}
	var all []string
	for _, visit := range whole.GetVisits() {
		all = append(all, visit.GetName())
	}
	if strings.Join(all, ",") != strings.Join(paged, ",") {
		t.Errorf("page by page: %v; in one page: %v", paged, all)
	}

	// A page token is bound to its query.
	if request.GetPageToken() == "" {
		first, err := visits.ListVisits(ctx, &bilateralv1.ListVisitsRequest{PageSize: 1, Filter: filter})
		if err != nil {
			t.Fatalf("ListVisits: %v", err)
		}
		request.PageToken = first.GetNextPageToken()
	}
	_, err = visits.ListVisits(ctx, &bilateralv1.ListVisitsRequest{
		PageSize: 1, Filter: `host_country = "CN"`, PageToken: request.GetPageToken(),
	})
	wantCode(t, "ListVisits with another filter's page token", err, codes.InvalidArgument)
}

func TestInvalidRequestCarriesFieldViolations(t *testing.T) {
	visits := bilateralv1.NewVisitServiceClient(connect(t, writerKey))
	ctx := callContext(t)

	_, err := visits.CreateVisit(ctx, &bilateralv1.CreateVisitRequest{
		VisitId: runID + "-invalid",
		Visit:   &bilateralv1.Visit{Visitor: &bilateralv1.Person{Name: "Nobody"}},
	})
	wantCode(t, "CreateVisit without required fields", err, codes.InvalidArgument)

	got := map[string]string{}
	for _, violation := range bilateral.FieldViolations(err) {
		got[violation.GetField()] = violation.GetDescription()
	}
	for _, field := range []string{"visit.visitor.country", "visit.host_country", "visit.start_date.year", "visit.citations"} {
		if got[field] == "" {
			t.Errorf("no violation (with a description) of %s; violations: %v", field, got)
		}
	}
	if _, ok := got["visit.visitor.name"]; ok {
		t.Errorf("visit.visitor.name was given but is reported: %v", got)
	}
	if reason := bilateral.ErrorReason(err); reason != "FIELD_VIOLATION" {
		t.Errorf("ErrorInfo reason %q, want FIELD_VIOLATION", reason)
	}

	_, err = visits.ListVisits(ctx, &bilateralv1.ListVisitsRequest{PageSize: -1})
	wantCode(t, "ListVisits with a negative page_size", err, codes.InvalidArgument)
	if violations := bilateral.FieldViolations(err); len(violations) != 1 || violations[0].GetField() != "page_size" {
		t.Errorf("violations %v, want one of page_size", violations)
	}
}

func TestAPIKeyIsSentAsBearerToken(t *testing.T) {
	ctx := callContext(t)
	request := &bilateralv1.GetVisitRequest{Name: seedVisitsToKazakhstan[2]}

	// The header exactly as a client without this package would send it.
	bare := bilateralv1.NewVisitServiceClient(connect(t, ""))
	withHeader := metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+writerKey)
	if _, err := bare.GetVisit(withHeader, request); err != nil {
		t.Fatalf("GetVisit with an authorization: Bearer header: %v", err)
	}

	_, err := bare.GetVisit(ctx, request)
	wantCode(t, "GetVisit without a key", err, codes.Unauthenticated)
	_, err = bilateralv1.NewVisitServiceClient(connect(t, "not-a-key")).GetVisit(ctx, request)
	wantCode(t, "GetVisit with an unknown key", err, codes.Unauthenticated)

	if _, err := bilateralv1.NewVisitServiceClient(connect(t, writerKey)).GetVisit(ctx, request); err != nil {
		t.Fatalf("GetVisit with the writer's key: %v", err)
	}

	// Health stays reachable without a key, for probes.
	health, err := healthpb.NewHealthClient(connect(t, "")).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil || health.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("health check without a key: %v, %v", health, err)
	}

	if readerKey == "" {
		t.Log("BILATERAL_READER_KEY not set: the reader's role is not checked")
		return
	}
	reader := connect(t, readerKey)
	if _, err := bilateralv1.NewVisitServiceClient(reader).GetVisit(ctx, request); err != nil {
		t.Fatalf("GetVisit with the reader's key: %v", err)
	}
	_, err = bilateralv1.NewSourceServiceClient(reader).CreateSource(ctx, &bilateralv1.CreateSourceRequest{
		SourceId: runID + "-by-reader",
		Source:   &bilateralv1.Source{Title: "Not to be written"},
	})
	wantCode(t, "CreateSource with the reader's key", err, codes.PermissionDenied)
}

func TestWatchChangesDeliversCreatedRecords(t *testing.T) {
	conn := connect(t, writerKey)
	ctx := callContext(t)

	// No cursor: the stream starts with the changes committed after it opens.
	stream, err := bilateralv1.NewChangeServiceClient(conn).WatchChanges(ctx,
		&bilateralv1.WatchChangesRequest{Collections: []string{"sources", "visits"}})
	if err != nil {
		t.Fatalf("WatchChanges: %v", err)
	}
	events := make(chan *bilateralv1.ChangeEvent, 256)
	streamErr := make(chan error, 1)
	go func() {
		for {
			response, err := stream.Recv()
			if err != nil {
				streamErr <- err
				return
			}
			for _, event := range response.GetEvents() {
				select {
				case events <- event:
				case <-ctx.Done():
					return
				}
			}
		}
	}()

	// nextEvent returns the next event, or nil after `wait` without one.
	nextEvent := func(wait time.Duration) *bilateralv1.ChangeEvent {
		t.Helper()
		select {
		case event := <-events:
			return event
		case err := <-streamErr:
			t.Fatalf("the change stream ended: %v", err)
		case <-time.After(wait):
		}
		return nil
	}

	// Nothing tells a client when the server has started its watch, and the
	// changes committed before that are not delivered: write until the
	// stream shows a change, after which it misses none.
	live := false
	for attempt := 0; attempt < 20 && !live; attempt++ {
		createSource(ctx, t, conn, fmt.Sprintf("%s-watch-start-%d", runID, attempt))
		live = nextEvent(500*time.Millisecond) != nil
	}
	if !live {
		t.Fatal("the change stream delivered nothing while sources were created")
	}

	source := createSource(ctx, t, conn, runID+"-watched-source")
	visit := createVisit(ctx, t, conn, runID+"-watched-visit", source.GetName())

	var created []*bilateralv1.ChangeEvent
	deadline := time.Now().Add(15 * time.Second)
	for len(created) < 2 && time.Now().Before(deadline) {
		event := nextEvent(time.Until(deadline))
		if event == nil {
			break
		}
		if event.GetKind() == bilateralv1.ChangeKind_CHANGE_KIND_CREATED &&
			(event.GetName() == source.GetName() || event.GetName() == visit.GetName()) {
			created = append(created, event)
		}
	}
	if len(created) != 2 {
		t.Fatalf("got %d CREATED events of %s and %s, want 2", len(created), source.GetName(), visit.GetName())
	}
	// In commit order: the source first.
	if created[0].GetName() != source.GetName() || created[1].GetName() != visit.GetName() {
		t.Fatalf("CREATED events in the order %s, %s; want %s, %s",
			created[0].GetName(), created[1].GetName(), source.GetName(), visit.GetName())
	}

	for _, event := range created {
		if event.GetCursor() == "" || event.GetCommitTime() == nil || event.GetEtag() == "" {
			t.Errorf("event of %s lacks a cursor, commit time or etag: %v", event.GetName(), event)
		}
	}
	var gotSource bilateralv1.Source
	if err := created[0].GetRecord().UnmarshalTo(&gotSource); err != nil {
		t.Fatalf("unpacking the source's record (%s): %v", created[0].GetRecord().GetTypeUrl(), err)
	}
	if gotSource.GetName() != source.GetName() || gotSource.GetTitle() != source.GetTitle() ||
		gotSource.GetEtag() != created[0].GetEtag() {
		t.Errorf("the event's source %v, want %v with the event's etag", &gotSource, source)
	}
	// Unpacked by the type the Any names, as a consumer of every collection would.
	record, err := created[1].GetRecord().UnmarshalNew()
	if err != nil {
		t.Fatalf("unpacking the visit's record (%s): %v", created[1].GetRecord().GetTypeUrl(), err)
	}
	gotVisit, ok := record.(*bilateralv1.Visit)
	if !ok {
		t.Fatalf("the visit's record is a %T, want *bilateralv1.Visit", record)
	}
	if gotVisit.GetName() != visit.GetName() || gotVisit.GetHostCountry() != "countries/UZ" ||
		len(gotVisit.GetCitations()) != 1 || gotVisit.GetCitations()[0].GetSource() != source.GetName() {
		t.Errorf("the event's visit %v, want %v", gotVisit, visit)
	}
}
