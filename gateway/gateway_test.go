package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"

	bilateralv1 "bilateral/gateway/gen/bilateral/v1"
)

// fakeVisits answers GetVisit and CreateVisit and remembers what it saw.
type fakeVisits struct {
	bilateralv1.UnimplementedVisitServiceServer
	authorization []string
	deadline      time.Duration
	calls         atomic.Int32
}

func (f *fakeVisits) GetVisit(ctx context.Context, request *bilateralv1.GetVisitRequest) (*bilateralv1.Visit, error) {
	f.calls.Add(1)
	md, _ := metadata.FromIncomingContext(ctx)
	f.authorization = md.Get("authorization")
	if deadline, ok := ctx.Deadline(); ok {
		f.deadline = time.Until(deadline)
	}
	if request.GetName() != "visits/known" {
		return nil, status.Errorf(codes.NotFound, "%s does not exist", request.GetName())
	}
	return &bilateralv1.Visit{Name: request.GetName(), HostCountry: "countries/KZ"}, nil
}

func (f *fakeVisits) CreateVisit(ctx context.Context, request *bilateralv1.CreateVisitRequest) (*bilateralv1.Visit, error) {
	st, err := status.New(codes.InvalidArgument, "visit.host_country is required").WithDetails(
		&errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
			{Field: "visit.host_country", Description: "is required"},
		}},
		&errdetails.ErrorInfo{Reason: "FIELD_VIOLATION", Domain: "bilateral.v1"})
	if err != nil {
		return nil, err
	}
	return nil, st.Err()
}

// startBackend serves visits and the health service on a loopback port.
func startBackend(t *testing.T, visits *fakeVisits, serving healthpb.HealthCheckResponse_ServingStatus) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	backend := grpc.NewServer()
	bilateralv1.RegisterVisitServiceServer(backend, visits)
	healthServer := health.NewServer()
	healthServer.SetServingStatus("", serving)
	healthpb.RegisterHealthServer(backend, healthServer)
	go backend.Serve(listener)
	t.Cleanup(backend.Stop)
	return listener.Addr().String()
}

// startGateway serves a fake backend and the gateway in front of it.
func startGateway(t *testing.T, visits *fakeVisits, serving healthpb.HealthCheckResponse_ServingStatus) *httptest.Server {
	t.Helper()
	return startGatewayTo(t, startBackend(t, visits, serving))
}

func startGatewayTo(t *testing.T, backends string) *httptest.Server {
	t.Helper()
	conn, err := dialBackends(settings{backends: backends})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	handler, err := newHandler(conn, 7*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return server
}

func do(t *testing.T, method, url, body string, header map[string]string) (int, map[string]any) {
	t.Helper()
	request, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range header {
		request.Header.Set(name, value)
	}
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	text, _ := io.ReadAll(response.Body)
	var decoded map[string]any
	if err := json.Unmarshal(text, &decoded); err != nil {
		t.Fatalf("%s %s: the body is not JSON: %v\n%s", method, url, err, text)
	}
	return response.StatusCode, decoded
}

func TestForwardsTheAPIKeyAndADeadline(t *testing.T) {
	visits := &fakeVisits{}
	server := startGateway(t, visits, healthpb.HealthCheckResponse_SERVING)
	code, body := do(t, "GET", server.URL+"/v1/visits/known", "", map[string]string{"Authorization": "Bearer secret-key"})
	if code != 200 || body["name"] != "visits/known" || body["hostCountry"] != "countries/KZ" {
		t.Fatalf("GET /v1/visits/known: %d %v", code, body)
	}
	if len(visits.authorization) != 1 || visits.authorization[0] != "Bearer secret-key" {
		t.Errorf("the server saw authorization %q, want the caller's", visits.authorization)
	}
	if visits.deadline <= 0 || visits.deadline > 7*time.Second {
		t.Errorf("the call's deadline was %v away, want the gateway's default of at most 7s", visits.deadline)
	}
	// A Grpc-Timeout header sets the deadline instead.
	do(t, "GET", server.URL+"/v1/visits/known", "", map[string]string{"Grpc-Timeout": "2S"})
	if visits.deadline <= 0 || visits.deadline > 2*time.Second {
		t.Errorf("with Grpc-Timeout: 2S the deadline was %v away", visits.deadline)
	}
}

func TestCallsAreSpreadOverEveryBackend(t *testing.T) {
	first, second := &fakeVisits{}, &fakeVisits{}
	server := startGatewayTo(t, startBackend(t, first, healthpb.HealthCheckResponse_SERVING)+","+
		startBackend(t, second, healthpb.HealthCheckResponse_SERVING))
	for i := 0; i < 20; i++ {
		if code, body := do(t, "GET", server.URL+"/v1/visits/known", "", nil); code != 200 {
			t.Fatalf("call %d: %d %v", i, code, body)
		}
	}
	if first.calls.Load() == 0 || second.calls.Load() == 0 || first.calls.Load()+second.calls.Load() != 20 {
		t.Errorf("the backends took %d and %d of 20 calls; want both some", first.calls.Load(), second.calls.Load())
	}
}

// stoppingVisits refuses every call the way a stopping server does: with
// UNAVAILABLE while it drains, and with CANCELLED for the calls it had
// received but not started when its grace ran out.
type stoppingVisits struct {
	bilateralv1.UnimplementedVisitServiceServer
	code  codes.Code
	calls atomic.Int32
}

func (f *stoppingVisits) GetVisit(context.Context, *bilateralv1.GetVisitRequest) (*bilateralv1.Visit, error) {
	f.calls.Add(1)
	return nil, status.Error(f.code, f.code.String())
}

func TestReadsAStoppingBackendRefusesAreAnsweredByAnother(t *testing.T) {
	for _, code := range []codes.Code{codes.Unavailable, codes.Canceled} {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		// Still SERVING by its health: the moment between a replica's
		// grace running out and its health being seen.
		stopping := &stoppingVisits{code: code}
		backend := grpc.NewServer()
		bilateralv1.RegisterVisitServiceServer(backend, stopping)
		healthServer := health.NewServer()
		healthServer.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
		healthpb.RegisterHealthServer(backend, healthServer)
		go backend.Serve(listener)
		t.Cleanup(backend.Stop)
		server := startGatewayTo(t, listener.Addr().String()+","+
			startBackend(t, &fakeVisits{}, healthpb.HealthCheckResponse_SERVING))
		// Until both backends are in the rotation and the stopping one has
		// refused some calls: every call is answered.
		for i := 0; i < 200 && (i < 10 || stopping.calls.Load() < 3); i++ {
			if status, body := do(t, "GET", server.URL+"/v1/visits/known", "", nil); status != 200 {
				t.Fatalf("%v, call %d: %d %v", code, i, status, body)
			}
		}
		if stopping.calls.Load() == 0 {
			t.Errorf("%v: the stopping backend was never called", code)
		}
	}
}

func TestABackendThatIsNotServingIsLeftOut(t *testing.T) {
	draining, serving := &fakeVisits{}, &fakeVisits{}
	server := startGatewayTo(t, startBackend(t, draining, healthpb.HealthCheckResponse_NOT_SERVING)+","+
		startBackend(t, serving, healthpb.HealthCheckResponse_SERVING))
	for i := 0; i < 20; i++ {
		if code, body := do(t, "GET", server.URL+"/v1/visits/known", "", nil); code != 200 {
			t.Fatalf("call %d: %d %v", i, code, body)
		}
	}
	if draining.calls.Load() != 0 || serving.calls.Load() != 20 {
		t.Errorf("the backend not serving took %d calls, the serving one %d of 20",
			draining.calls.Load(), serving.calls.Load())
	}
}

func TestErrorsAreStatusJSONWithTheirHTTPCode(t *testing.T) {
	server := startGateway(t, &fakeVisits{}, healthpb.HealthCheckResponse_SERVING)
	code, body := do(t, "GET", server.URL+"/v1/visits/missing", "", nil)
	if code != http.StatusNotFound || body["code"] != float64(codes.NotFound) ||
		body["message"] != "visits/missing does not exist" {
		t.Errorf("NOT_FOUND: %d %v", code, body)
	}
	code, body = do(t, "POST", server.URL+"/v1/visits", `{"kind":"VISIT_KIND_STATE"}`, nil)
	details, _ := body["details"].([]any)
	if code != http.StatusBadRequest || len(details) != 2 {
		t.Fatalf("field violation: %d %v", code, body)
	}
	badRequest := details[0].(map[string]any)
	violations, _ := badRequest["fieldViolations"].([]any)
	if badRequest["@type"] != "type.googleapis.com/google.rpc.BadRequest" || len(violations) != 1 ||
		violations[0].(map[string]any)["field"] != "visit.host_country" {
		t.Errorf("the BadRequest detail is %v", badRequest)
	}
	// A field the message does not have is refused by name, not dropped.
	code, body = do(t, "POST", server.URL+"/v1/visits", `{"hostCountry":"KZ","hostCountri":"KZ"}`, nil)
	if code != http.StatusBadRequest || !strings.Contains(body["message"].(string), "hostCountri") {
		t.Errorf("unknown field: %d %v", code, body)
	}
	// A method the backend does not serve, and a path no rule maps.
	code, body = do(t, "GET", server.URL+"/v1/countries/KZ", "", nil)
	if code != http.StatusNotImplemented || body["code"] != float64(codes.Unimplemented) {
		t.Errorf("UNIMPLEMENTED: %d %v", code, body)
	}
	code, body = do(t, "GET", server.URL+"/v1/nowhere/at/all", "", nil)
	if code != http.StatusNotFound || body["code"] != float64(codes.NotFound) {
		t.Errorf("unmapped path: %d %v", code, body)
	}
}

func TestHealthzFollowsTheServersHealth(t *testing.T) {
	server := startGateway(t, &fakeVisits{}, healthpb.HealthCheckResponse_SERVING)
	if code, body := do(t, "GET", server.URL+"/healthz", "", nil); code != 200 || body["status"] != "SERVING" {
		t.Errorf("serving: %d %v", code, body)
	}
	draining := startGateway(t, &fakeVisits{}, healthpb.HealthCheckResponse_NOT_SERVING)
	if code, body := do(t, "GET", draining.URL+"/healthz", "", nil); code != http.StatusServiceUnavailable {
		t.Errorf("not serving: %d %v", code, body)
	}
}

func TestNoServingBackendSaysSo(t *testing.T) {
	server := startGateway(t, &fakeVisits{}, healthpb.HealthCheckResponse_NOT_SERVING)
	code, body := do(t, "GET", server.URL+"/v1/visits/known", "", nil)
	message, _ := body["message"].(string)
	if code != http.StatusServiceUnavailable || body["code"] != float64(codes.Unavailable) ||
		!strings.Contains(message, "no backend is serving") {
		t.Errorf("no backend serving: %d %v", code, body)
	}
}

func TestUnreachableBackendIsUnavailable(t *testing.T) {
	listener, _ := net.Listen("tcp", "127.0.0.1:0")
	address := listener.Addr().String()
	listener.Close() // nothing listens there now
	conn, err := dialBackends(settings{backends: address})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	handler, err := newHandler(conn, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(handler)
	defer server.Close()
	code, body := do(t, "GET", server.URL+"/v1/visits/known", "", nil)
	if code != http.StatusServiceUnavailable || body["code"] != float64(codes.Unavailable) {
		t.Errorf("unreachable backend: %d %v", code, body)
	}
}

func TestEveryMethodHasAnHTTPRule(t *testing.T) {
	count := 0
	forEachMethod(func(method protoreflect.MethodDescriptor, rule *annotations.HttpRule) {
		count++
		if rule == nil {
			t.Errorf("%s has no google.api.http rule", method.FullName())
		}
	})
	if count < 50 {
		t.Errorf("found %d methods in %s; the generated code is not linked", count, apiPackage)
	}
}

// ruleRoute is a rule's verb and path template with each variable replaced
// by its segment pattern: {name=visits/*} -> visits/*, {query} -> *.
func ruleRoute(rule *annotations.HttpRule) (string, string) {
	var verb, template string
	switch pattern := rule.GetPattern().(type) {
	case *annotations.HttpRule_Get:
		verb, template = "get", pattern.Get
	case *annotations.HttpRule_Post:
		verb, template = "post", pattern.Post
	case *annotations.HttpRule_Patch:
		verb, template = "patch", pattern.Patch
	case *annotations.HttpRule_Put:
		verb, template = "put", pattern.Put
	case *annotations.HttpRule_Delete:
		verb, template = "delete", pattern.Delete
	}
	variable := regexp.MustCompile(`\{[^}=]+(=([^}]*))?\}`)
	return verb, variable.ReplaceAllStringFunc(template, func(v string) string {
		if match := variable.FindStringSubmatch(v); match[2] != "" {
			return match[2]
		}
		return "*"
	})
}

type openAPIOperation struct {
	OperationID string `json:"operationId"`
	Parameters  []struct {
		Name    string `json:"name"`
		In      string `json:"in"`
		Pattern string `json:"pattern"`
	} `json:"parameters"`
}

// The description the gateway serves is the one generated from proto/, and
// it describes every method at the route of its HTTP rule.
func TestServedOpenAPIMatchesTheProtos(t *testing.T) {
	server := startGateway(t, &fakeVisits{}, healthpb.HealthCheckResponse_SERVING)
	response, err := http.Get(server.URL + "/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(response.Body)
	response.Body.Close()
	generated, err := os.ReadFile("gen/openapi/bilateral.swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	if string(served) != string(generated) {
		t.Fatal("/openapi.json differs from gen/openapi/bilateral.swagger.json: rebuild after generate.sh")
	}
	var document struct {
		Swagger string                                 `json:"swagger"`
		Paths   map[string]map[string]openAPIOperation `json:"paths"`
	}
	if err := json.Unmarshal(served, &document); err != nil {
		t.Fatal(err)
	}
	// Each operation's route, its path parameters replaced by their patterns.
	routes := map[string]string{}
	parameter := regexp.MustCompile(`\{([^}]+)\}`)
	for path, operations := range document.Paths {
		for verb, operation := range operations {
			route := parameter.ReplaceAllStringFunc(path, func(p string) string {
				name := p[1 : len(p)-1]
				for _, param := range operation.Parameters {
					if param.Name == name && param.In == "path" && param.Pattern != "" {
						return strings.ReplaceAll(param.Pattern, "[^/]+", "*")
					}
				}
				return "*"
			})
			routes[operation.OperationID] = verb + " " + route
		}
	}
	methods := 0
	forEachMethod(func(method protoreflect.MethodDescriptor, rule *annotations.HttpRule) {
		methods++
		id := string(method.Parent().Name()) + "_" + string(method.Name())
		verb, route := ruleRoute(rule)
		if got, ok := routes[id]; !ok {
			t.Errorf("the OpenAPI description lacks %s", id)
		} else if got != verb+" "+route {
			t.Errorf("%s: the OpenAPI description has %q, the proto's rule %q", id, got, verb+" "+route)
		}
	})
	if len(routes) != methods {
		t.Errorf("the OpenAPI description has %d operations, the protos %d methods", len(routes), methods)
	}
}

func TestSettingsRefuseBadValues(t *testing.T) {
	for _, args := range [][]string{
		{"--backends=localhost"}, {"--timeout=0s"}, {"--timeout=soon"}, {"extra"},
	} {
		if _, err := parseSettings(args); err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
	s, err := parseSettings([]string{"--backends=a:1, b:2", "--listen=127.0.0.1:0"})
	if err != nil || s.backends != "a:1, b:2" {
		t.Errorf("valid settings: %v %v", s, err)
	}
}

func TestThePageIsServedForPairsOnly(t *testing.T) {
	server := startGateway(t, &fakeVisits{}, healthpb.HealthCheckResponse_SERVING)
	for path, want := range map[string]int{
		"/": 200, "/relationships/CN-KZ": 200, "/relationships/chn-kaz": 200,
		"/static/dossier.js": 200, "/relationships/CN": 404, "/etc/passwd": 404,
	} {
		response, err := http.Get(server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		response.Body.Close()
		if response.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, response.StatusCode, want)
		}
		if csp := response.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("GET %s: Content-Security-Policy %q", path, csp)
		}
	}
}
