// Command consumer is a program of another module that requires
// github.com/bilateral/bilateral/client/go, as a service depending on the
// client would. test.sh copies it into a module outside the repository and
// runs it against a live server (BILATERAL_ENDPOINT, BILATERAL_API_KEY). It
// lists with a filter across pages, reads a field violation with the
// standard errdetails types, checks the API key and follows the change
// feed; it exits non-zero, saying what did not match, on any failure.
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	bilateral "github.com/bilateral/bilateral/client/go"
	bilateralv1 "github.com/bilateral/bilateral/client/go/gen/bilateral/v1"
)

func main() {
	endpoint, key := os.Getenv("BILATERAL_ENDPOINT"), os.Getenv("BILATERAL_API_KEY")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := bilateral.Connect(endpoint, key)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	visits := bilateralv1.NewVisitServiceClient(conn)

	// A filter across pages of one visit each.
	request := &bilateralv1.ListVisitsRequest{Filter: `host_country = "KZ"`, OrderBy: "start_date", PageSize: 1}
	var names []string
	for {
		response, err := visits.ListVisits(ctx, request)
		if err != nil {
			log.Fatalf("ListVisits: %v", err)
		}
		for _, visit := range response.GetVisits() {
			names = append(names, visit.GetName())
		}
		if request.PageToken = response.GetNextPageToken(); request.PageToken == "" {
			break
		}
	}
	if len(names) < 3 {
		log.Fatalf("ListVisits across pages: %v, want the seed's three visits to KZ at least", names)
	}
	fmt.Printf("listed %d visits to KZ, one a page\n", len(names))

	// A field violation, read from the status with the standard types.
	_, err = visits.ListVisits(ctx, &bilateralv1.ListVisitsRequest{PageSize: -1})
	var violations []string
	for _, detail := range status.Convert(err).Details() {
		if badRequest, ok := detail.(*errdetails.BadRequest); ok {
			for _, violation := range badRequest.GetFieldViolations() {
				violations = append(violations, violation.GetField())
			}
		}
	}
	if status.Code(err) != codes.InvalidArgument || len(violations) != 1 || violations[0] != "page_size" ||
		bilateral.ErrorReason(err) != "FIELD_VIOLATION" {
		log.Fatalf("ListVisits with page_size -1: %v, violations %v; want INVALID_ARGUMENT on page_size", err, violations)
	}
	fmt.Println("page_size -1: INVALID_ARGUMENT, a google.rpc.BadRequest on page_size")

	// The API key: refused without it.
	bare, err := bilateral.Connect(endpoint, "")
	if err != nil {
		log.Fatal(err)
	}
	defer bare.Close()
	_, err = bilateralv1.NewVisitServiceClient(bare).GetVisit(ctx, &bilateralv1.GetVisitRequest{Name: names[0]})
	if status.Code(err) != codes.Unauthenticated {
		log.Fatalf("GetVisit without a key: %v, want UNAUTHENTICATED", err)
	}
	fmt.Println("without a key: UNAUTHENTICATED")

	// The change feed: sources created until one is seen on the stream.
	stream, err := bilateralv1.NewChangeServiceClient(conn).WatchChanges(ctx,
		&bilateralv1.WatchChangesRequest{Collections: []string{"sources"}})
	if err != nil {
		log.Fatalf("WatchChanges: %v", err)
	}
	seen := make(chan string, 64)
	go func() {
		for {
			response, err := stream.Recv()
			if err != nil {
				close(seen)
				return
			}
			for _, event := range response.GetEvents() {
				seen <- event.GetName()
			}
		}
	}()
	sources := bilateralv1.NewSourceServiceClient(conn)
	run := time.Now().UnixNano()
	for attempt := 0; attempt < 20; attempt++ {
		source, err := sources.CreateSource(ctx, &bilateralv1.CreateSourceRequest{
			SourceId:  fmt.Sprintf("go-consumer-%d-%d", run, attempt),
			RequestId: fmt.Sprintf("go-consumer-%d-%d", run, attempt),
			Source: &bilateralv1.Source{Title: "Go consumer probe", Publisher: "Test Gazette",
				Kind: bilateralv1.SourceKind_SOURCE_KIND_NEWS_ARTICLE, Language: "en",
				PublicationDate: &bilateralv1.Date{Year: 2024}},
		})
		if err != nil {
			log.Fatalf("CreateSource: %v", err)
		}
		for wait := time.After(time.Second); ; {
			select {
			case name, ok := <-seen:
				if !ok {
					log.Fatal("the change stream ended")
				}
				if name != source.GetName() {
					continue
				}
				fmt.Printf("change feed: %s\n", name)
				return
			case <-wait:
			}
			break
		}
	}
	log.Fatal("the change feed delivered none of the sources created")
}
