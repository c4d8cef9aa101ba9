// Package bilateral connects Go programs to the bilateral service. The
// messages and stubs are generated from proto/ into gen/bilateral/v1
// (package bilateralv1) by generate.sh. This package adds what every caller
// needs on top: a connection that sends the API key, and the error details
// read back as the standard google.rpc messages of
// google.golang.org/genproto/googleapis/rpc/errdetails.
package bilateral

import (
	"context"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// Connect returns a connection to endpoint (host:port) that sends apiKey,
// when not empty, as "authorization: Bearer <key>" on every call. It is
// plaintext unless opts carry grpc.WithTransportCredentials; it connects
// lazily, on the first call. Close it when done.
func Connect(endpoint, apiKey string, opts ...grpc.DialOption) (*grpc.ClientConn, error) {
	all := []grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}
	if apiKey != "" {
		all = append(all, grpc.WithPerRPCCredentials(APIKey(apiKey)))
	}
	return grpc.NewClient(endpoint, append(all, opts...)...)
}

// APIKey returns per-call credentials that send key as
// "authorization: Bearer <key>". They are allowed on plaintext connections,
// which the service accepts on loopback.
func APIKey(key string) credentials.PerRPCCredentials { return bearerKey(key) }

type bearerKey string

func (k bearerKey) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(k)}, nil
}

func (bearerKey) RequireTransportSecurity() bool { return false }

// FieldViolations returns every field violation in err's google.rpc.BadRequest
// detail (field path and description), or nil when err carries none.
func FieldViolations(err error) []*errdetails.BadRequest_FieldViolation {
	var badRequest errdetails.BadRequest
	if !findDetail(err, &badRequest) {
		return nil
	}
	return badRequest.GetFieldViolations()
}

// ErrorReason returns the reason of err's google.rpc.ErrorInfo detail, such
// as "FIELD_VIOLATION" or "ETAG_MISMATCH", or "" when err carries none.
func ErrorReason(err error) string {
	var info errdetails.ErrorInfo
	if !findDetail(err, &info) {
		return ""
	}
	return info.GetReason()
}

// findDetail unpacks the first detail of err's status that has detail's type.
func findDetail(err error, detail proto.Message) bool {
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	for _, packed := range st.Proto().GetDetails() {
		if packed.MessageIs(detail) {
			return packed.UnmarshalTo(detail) == nil
		}
	}
	return false
}
