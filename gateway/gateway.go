package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/api/annotations"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	// Registers the client side of health checking (healthCheckConfig).
	_ "google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	bilateralv1 "bilateral/gateway/gen/bilateral/v1"
	// Registers google.rpc.BadRequest and ErrorInfo, so that the details of
	// an error status are written out as JSON rather than refused.
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
)

// The OpenAPI description protoc-gen-openapiv2 generated from proto/.
//
//go:embed gen/openapi/bilateral.swagger.json
var openAPI []byte

// apiPackage is the protobuf package whose services the gateway serves.
const apiPackage = "bilateral.v1"

// registrations are the handlers grpc-gateway generated, one per service.
var registrations = []func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error{
	bilateralv1.RegisterSourceServiceHandler,
	bilateralv1.RegisterVisitServiceHandler,
	bilateralv1.RegisterPartnershipServiceHandler,
	bilateralv1.RegisterTradeRecordServiceHandler,
	bilateralv1.RegisterInfrastructureProjectServiceHandler,
	bilateralv1.RegisterExchangeServiceHandler,
	bilateralv1.RegisterObservationServiceHandler,
	bilateralv1.RegisterCountryServiceHandler,
	bilateralv1.RegisterRelationshipServiceHandler,
	bilateralv1.RegisterFindingServiceHandler,
	bilateralv1.RegisterSearchServiceHandler,
	bilateralv1.RegisterChangeServiceHandler,
}

// forEachMethod calls visit with every method of the API's services and its
// HTTP rule (nil when it has none).
func forEachMethod(visit func(protoreflect.MethodDescriptor, *annotations.HttpRule)) {
	protoregistry.GlobalFiles.RangeFilesByPackage(apiPackage, func(file protoreflect.FileDescriptor) bool {
		for i := 0; i < file.Services().Len(); i++ {
			methods := file.Services().Get(i).Methods()
			for j := 0; j < methods.Len(); j++ {
				method := methods.Get(j)
				rule, _ := proto.GetExtension(method.Options(), annotations.E_Http).(*annotations.HttpRule)
				visit(method, rule)
			}
		}
		return true
	})
}

// serviceConfig spreads calls over the backends that report SERVING, and
// retries the calls that read (the methods mapped to GET,
// streams aside) when a stopping server refuses them, and another replica
// answers instead. A draining replica refuses calls as UNAVAILABLE; when
// its grace runs out while calls still arrive, gRPC cancels the ones it has
// received but not started, and the gateway sees CANCELLED although its own
// caller is still waiting. (A caller that gives up ends the retries: gRPC
// does not retry a call whose context is done.) Writes are not retried
// here; a client retries a create with the same request_id.
func serviceConfig() string {
	type name struct {
		Service string `json:"service"`
		Method  string `json:"method"`
	}
	var reads []name
	forEachMethod(func(method protoreflect.MethodDescriptor, rule *annotations.HttpRule) {
		if rule != nil && rule.GetGet() != "" && !method.IsStreamingClient() && !method.IsStreamingServer() {
			reads = append(reads, name{string(method.Parent().FullName()), string(method.Name())})
		}
	})
	config := map[string]any{
		"loadBalancingConfig": []any{map[string]any{"round_robin": map[string]any{}}},
		// Calls go only to backends whose health service says SERVING: a
		// draining replica reports NOT_SERVING before it refuses calls, so
		// it is left out at once instead of costing retries.
		"healthCheckConfig": map[string]any{"serviceName": ""},
		"methodConfig": []any{map[string]any{
			"name": reads,
			"retryPolicy": map[string]any{
				"maxAttempts": 5, "initialBackoff": "0.05s", "maxBackoff": "1s",
				"backoffMultiplier": 2, "retryableStatusCodes": []string{"UNAVAILABLE", "CANCELLED"},
			},
		}},
	}
	text, err := json.Marshal(config)
	if err != nil {
		panic(err)
	}
	return string(text)
}

// dialBackends opens one channel to every endpoint in s.backends, spreading
// calls over them round robin.
func dialBackends(s settings) (*grpc.ClientConn, error) {
	options := []grpc.DialOption{
		grpc.WithDefaultServiceConfig(serviceConfig()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(64 << 20)),
	}
	transport, err := backendCredentials(s)
	if err != nil {
		return nil, err
	}
	options = append(options, grpc.WithTransportCredentials(transport))
	if strings.HasPrefix(s.backends, "dns:///") {
		// Every address the name resolves to, e.g. a headless Service's pods.
		return grpc.Dial(s.backends, options...)
	}
	var addresses []resolver.Address
	for _, backend := range strings.Split(s.backends, ",") {
		addresses = append(addresses, resolver.Address{Addr: strings.TrimSpace(backend)})
	}
	backends := manual.NewBuilderWithScheme("bilateral-backends")
	backends.InitialState(resolver.State{Addresses: addresses})
	return grpc.Dial(backends.Scheme()+":///bilateral", append(options, grpc.WithResolvers(backends))...)
}

// backendCredentials: plaintext, or TLS trusting --backend_ca_file.
func backendCredentials(s settings) (credentials.TransportCredentials, error) {
	if s.backendCA == "" {
		return insecure.NewCredentials(), nil
	}
	pem, err := os.ReadFile(s.backendCA)
	if err != nil {
		return nil, fmt.Errorf("--backend_ca_file: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--backend_ca_file: %s holds no PEM certificate", s.backendCA)
	}
	return credentials.NewTLS(&tls.Config{RootCAs: pool, ServerName: s.backendName, MinVersion: tls.VersionTLS12}), nil
}

// withDefaultDeadline gives every API call without a Grpc-Timeout header the
// gateway's deadline; the change stream, which is meant to stay open, is
// left without one.
func withDefaultDeadline(next http.Handler, timeout time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Grpc-Timeout") == "" && !strings.HasSuffix(r.URL.Path, ":watch") {
			ctx, cancel := context.WithTimeout(r.Context(), timeout)
			defer cancel()
			r = r.WithContext(ctx)
		}
		next.ServeHTTP(w, r)
	})
}

// explainUnavailable writes errors as grpc-gateway does, but says in words
// what gRPC's "connection active but health check failed" means here: every
// backend the gateway knows is up but says it is not serving.
func explainUnavailable(ctx context.Context, mux *runtime.ServeMux, marshaler runtime.Marshaler,
	w http.ResponseWriter, r *http.Request, err error) {
	if s, ok := status.FromError(err); ok && s.Code() == codes.Unavailable &&
		strings.Contains(s.Message(), "health check failed") {
		err = status.Error(codes.Unavailable, "no backend is serving: each bilateral server the "+
			"gateway reaches says it is not serving (draining, or its database is unreachable); "+
			"try again shortly")
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, marshaler, w, r, err)
}

// newHandler serves the API under /v1/, /healthz, /openapi.json and the
// dossier page.
func newHandler(conn *grpc.ClientConn, timeout time.Duration) (http.Handler, error) {
	api := runtime.NewServeMux(
		// protobuf's JSON mapping both ways; a field the message does not have
		// is a 400 naming it, not silently dropped.
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{
			Marshaler: &runtime.JSONPb{
				MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: false},
				UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
			},
		}),
		runtime.WithHealthzEndpoint(healthpb.NewHealthClient(conn)),
		runtime.WithErrorHandler(explainUnavailable),
	)
	for _, register := range registrations {
		if err := register(context.Background(), api, conn); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", withDefaultDeadline(api, timeout))
	mux.Handle("/healthz", withDefaultDeadline(api, timeout))
	mux.HandleFunc("/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(openAPI)
	})
	servePage(mux)
	return securityHeaders(mux), nil
}

// securityHeaders forbids the page any script, style or connection that is
// not the gateway's own, and framing.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
