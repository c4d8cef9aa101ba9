// gateway-bench measures the same calls made directly over gRPC and through
// bilateral-gateway over HTTP/JSON, with the same number of calls in flight
// from the same kind of client, and prints one JSON line per run and the
// ratio of the gateway's throughput to gRPC's (bench/gateway_bench.sh).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"

	bilateralv1 "bilateral/gateway/gen/bilateral/v1"
)

type result struct {
	Method   string  `json:"method"`
	Path     string  `json:"path"`
	InFlight int     `json:"in_flight"`
	Calls    int64   `json:"calls"`
	Failed   int64   `json:"failed"`
	QPS      float64 `json:"qps"`
	P50us    float64 `json:"p50_us"`
	P99us    float64 `json:"p99_us"`
}

// run keeps inFlight calls going for warmup, then measures for duration.
func run(call func(context.Context) error, inFlight int, warmup, duration time.Duration) (int64, int64, []time.Duration) {
	var measuring atomic.Bool
	var calls, failed atomic.Int64
	var mu sync.Mutex
	var latencies []time.Duration
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < inFlight; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for ctx.Err() == nil {
				start := time.Now()
				err := call(ctx)
				if !measuring.Load() || ctx.Err() != nil {
					continue
				}
				calls.Add(1)
				if err != nil {
					failed.Add(1)
					continue
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			latencies = append(latencies, mine...)
			mu.Unlock()
		}()
	}
	time.Sleep(warmup)
	measuring.Store(true)
	time.Sleep(duration)
	measuring.Store(false)
	cancel()
	wg.Wait()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	return calls.Load(), failed.Load(), latencies
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(p*float64(len(sorted)-1))].Microseconds())
}

func main() {
	target := flag.String("grpc", "127.0.0.1:50051", "host:port of bilateral-server")
	base := flag.String("http", "http://127.0.0.1:8080", "base URL of bilateral-gateway")
	apiKey := flag.String("api_key", "", "API key, if the server wants one")
	method := flag.String("method", "get", "get (GetVisit) or list (ListVisits, 50 a page)")
	inFlight := flag.Int("in_flight", 16, "calls kept in flight")
	warmup := flag.Duration("warmup", time.Second, "unmeasured warm-up")
	duration := flag.Duration("duration", 5*time.Second, "measured period")
	name := flag.String("name", "visits/xi-jinping-kz-2024", "the visit Get reads")
	flag.Parse()
	if *method != "get" && *method != "list" {
		fmt.Fprintln(os.Stderr, "gateway-bench: --method is get or list")
		os.Exit(2)
	}

	conn, err := grpc.Dial(*target, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(os.Stderr, "gateway-bench:", err)
		os.Exit(1)
	}
	defer conn.Close()
	visits := bilateralv1.NewVisitServiceClient(conn)
	auth := func(ctx context.Context) context.Context {
		if *apiKey == "" {
			return ctx
		}
		return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+*apiKey)
	}
	grpcCall := func(ctx context.Context) error {
		if *method == "get" {
			_, err := visits.GetVisit(auth(ctx), &bilateralv1.GetVisitRequest{Name: *name})
			return err
		}
		_, err := visits.ListVisits(auth(ctx), &bilateralv1.ListVisitsRequest{PageSize: 50})
		return err
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *inFlight * 2}}
	path := "/v1/" + *name
	if *method == "list" {
		path = "/v1/visits?" + url.Values{"pageSize": {"50"}}.Encode()
	}
	httpCall := func(ctx context.Context) error {
		request, err := http.NewRequestWithContext(ctx, "GET", *base+path, nil)
		if err != nil {
			return err
		}
		if *apiKey != "" {
			request.Header.Set("Authorization", "Bearer "+*apiKey)
		}
		response, err := client.Do(request)
		if err != nil {
			return err
		}
		defer response.Body.Close()
		if _, err := io.Copy(io.Discard, response.Body); err != nil {
			return err
		}
		if response.StatusCode != http.StatusOK {
			return fmt.Errorf("HTTP %d", response.StatusCode)
		}
		return nil
	}

	var qps [2]float64
	for i, side := range []struct {
		path string
		call func(context.Context) error
	}{{"grpc", grpcCall}, {"gateway", httpCall}} {
		calls, failed, latencies := run(side.call, *inFlight, *warmup, *duration)
		r := result{Method: *method, Path: side.path, InFlight: *inFlight, Calls: calls, Failed: failed,
			QPS: float64(calls-failed) / duration.Seconds(), P50us: percentile(latencies, 0.5), P99us: percentile(latencies, 0.99)}
		qps[i] = r.QPS
		line, _ := json.Marshal(r)
		fmt.Println(string(line))
	}
	ratio := 0.0
	if qps[0] > 0 {
		ratio = qps[1] / qps[0]
	}
	line, _ := json.Marshal(map[string]any{"method": *method, "gateway_to_grpc_qps": ratio})
	fmt.Println(string(line))
}
