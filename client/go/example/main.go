// Command example gets one visit and lists the visits to Kazakhstan page by
// page. It reads the endpoint (host:port, plaintext) from BILATERAL_ENDPOINT,
// 127.0.0.1:50051 by default, and the API key from BILATERAL_API_KEY.
//
//	go run ./example [visits/xi-jinping-kz-2024]
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	bilateral "github.com/bilateral/bilateral/client/go"
	bilateralv1 "github.com/bilateral/bilateral/client/go/gen/bilateral/v1"
)

func main() {
	endpoint := os.Getenv("BILATERAL_ENDPOINT")
	if endpoint == "" {
		endpoint = "127.0.0.1:50051"
	}
	name := "visits/xi-jinping-kz-2024"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}

	conn, err := bilateral.Connect(endpoint, os.Getenv("BILATERAL_API_KEY"))
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	visits := bilateralv1.NewVisitServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	visit, err := visits.GetVisit(ctx, &bilateralv1.GetVisitRequest{Name: name})
	if err != nil {
		for _, violation := range bilateral.FieldViolations(err) {
			log.Printf("  %s: %s", violation.GetField(), violation.GetDescription())
		}
		log.Fatalf("GetVisit %s: %v", name, err)
	}
	fmt.Printf("%s: %s to %s, %d\n", visit.GetName(), visit.GetVisitor().GetName(),
		visit.GetHostCountry(), visit.GetStartDate().GetYear())

	// A page token is bound to its filter and order: send the same ones
	// with every page, until the token comes back empty.
	request := &bilateralv1.ListVisitsRequest{
		Filter:   `host_country = "KZ"`,
		OrderBy:  "start_date",
		PageSize: 2,
	}
	for page := 1; ; page++ {
		response, err := visits.ListVisits(ctx, request)
		if err != nil {
			log.Fatalf("ListVisits: %v", err)
		}
		for _, v := range response.GetVisits() {
			fmt.Printf("page %d: %s (%d)\n", page, v.GetName(), v.GetStartDate().GetYear())
		}
		if response.GetNextPageToken() == "" {
			break
		}
		request.PageToken = response.GetNextPageToken()
	}
}
