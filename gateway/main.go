// bilateral-gateway serves the bilateral API as HTTP/JSON, its OpenAPI
// description and the dossier page, forwarding every call to one or more
// bilateral-server endpoints over gRPC.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

// settings are the gateway's flags; each has an environment variable that
// sets its default, so that containers can be configured without arguments.
type settings struct {
	listen      string
	backends    string
	portFile    string
	timeout     time.Duration
	backendCA   string
	backendName string
	grace       time.Duration
}

func envOr(name, fallback string) string {
	if value, ok := os.LookupEnv(name); ok {
		return value
	}
	return fallback
}

func envDuration(name string, fallback time.Duration) time.Duration {
	value, ok := os.LookupEnv(name)
	if !ok {
		return fallback
	}
	parsed, err := time.ParseDuration(value)
	if err != nil {
		log.Fatalf("bilateral-gateway: %s=%q is not a duration such as 30s: %v", name, value, err)
	}
	return parsed
}

func parseSettings(args []string) (settings, error) {
	var s settings
	flags := flag.NewFlagSet("bilateral-gateway", flag.ContinueOnError)
	flags.StringVar(&s.listen, "listen", envOr("BILATERAL_GATEWAY_LISTEN", "127.0.0.1:8080"),
		"host:port to serve HTTP on (env BILATERAL_GATEWAY_LISTEN)")
	flags.StringVar(&s.backends, "backends", envOr("BILATERAL_GATEWAY_BACKENDS", "127.0.0.1:50051"),
		"comma-separated host:port of the bilateral-server endpoints, or one dns:///host:port "+
			"whose every address is one; calls are spread over them round robin (env BILATERAL_GATEWAY_BACKENDS)")
	flags.StringVar(&s.portFile, "port_file", "", "write the port served on to this file once listening")
	flags.DurationVar(&s.timeout, "timeout", envDuration("BILATERAL_GATEWAY_TIMEOUT", 30*time.Second),
		"deadline of a call whose request sets none (a Grpc-Timeout header such as 5S sets one); "+
			"the change stream is exempt (env BILATERAL_GATEWAY_TIMEOUT)")
	flags.StringVar(&s.backendCA, "backend_ca_file", envOr("BILATERAL_GATEWAY_BACKEND_CA_FILE", ""),
		"PEM CA certificates: speak TLS to the servers and trust these (env BILATERAL_GATEWAY_BACKEND_CA_FILE)")
	flags.StringVar(&s.backendName, "backend_server_name", envOr("BILATERAL_GATEWAY_BACKEND_SERVER_NAME", ""),
		"with TLS, the name the servers' certificates must carry, when not the host dialled "+
			"(env BILATERAL_GATEWAY_BACKEND_SERVER_NAME)")
	flags.DurationVar(&s.grace, "shutdown_grace", envDuration("BILATERAL_GATEWAY_SHUTDOWN_GRACE", 10*time.Second),
		"on SIGTERM, how long calls in flight may take to finish (env BILATERAL_GATEWAY_SHUTDOWN_GRACE)")
	if err := flags.Parse(args); err != nil {
		return s, err
	}
	if flags.NArg() > 0 {
		return s, fmt.Errorf("unexpected argument %q", flags.Arg(0))
	}
	if s.timeout <= 0 {
		return s, fmt.Errorf("--timeout must be positive, got %v", s.timeout)
	}
	if strings.HasPrefix(s.backends, "dns:///") {
		if _, _, err := net.SplitHostPort(strings.TrimPrefix(s.backends, "dns:///")); err != nil {
			return s, fmt.Errorf("--backends: %q is not dns:///host:port", s.backends)
		}
		return s, nil
	}
	for _, backend := range strings.Split(s.backends, ",") {
		if _, _, err := net.SplitHostPort(strings.TrimSpace(backend)); err != nil {
			return s, fmt.Errorf("--backends: %q is not host:port", backend)
		}
	}
	return s, nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "health" {
		os.Exit(checkHealth(os.Args[2:]))
	}
	s, err := parseSettings(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bilateral-gateway: %v\n", err)
		os.Exit(2)
	}
	if err := run(s); err != nil {
		fmt.Fprintf(os.Stderr, "bilateral-gateway: %v\n", err)
		os.Exit(1)
	}
}

func run(s settings) error {
	conn, err := dialBackends(s)
	if err != nil {
		return err
	}
	defer conn.Close()
	handler, err := newHandler(conn, s.timeout)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", s.listen)
	if err != nil {
		return err
	}
	if s.portFile != "" {
		port := listener.Addr().(*net.TCPAddr).Port
		if err := os.WriteFile(s.portFile, []byte(fmt.Sprintf("%d\n", port)), 0o644); err != nil {
			return err
		}
	}
	server := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	log.Printf("bilateral-gateway: serving HTTP on %s, forwarding to %s", listener.Addr(), s.backends)
	select {
	case err := <-served:
		return err
	case <-stop:
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.grace)
	defer cancel()
	return server.Shutdown(ctx)
}

// checkHealth is `bilateral-gateway health`, for a container's health check:
// exit status 0 when the gateway on this machine answers /healthz with 200
// (the servers behind it are SERVING), 1 otherwise.
func checkHealth(args []string) int {
	flags := flag.NewFlagSet("bilateral-gateway health", flag.ContinueOnError)
	listen := envOr("BILATERAL_GATEWAY_LISTEN", "127.0.0.1:8080")
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bilateral-gateway health: BILATERAL_GATEWAY_LISTEN=%q is not host:port\n", listen)
		return 2
	}
	url := flags.String("url", "http://127.0.0.1:"+port+"/healthz", "the health URL to ask")
	timeout := flags.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := flags.Parse(args); err != nil {
		return 2
	}
	client := http.Client{Timeout: *timeout}
	response, err := client.Get(*url)
	if err != nil {
		fmt.Fprintf(os.Stderr, "bilateral-gateway health: %v\n", err)
		return 1
	}
	response.Body.Close()
	if response.StatusCode != http.StatusOK {
		fmt.Fprintf(os.Stderr, "bilateral-gateway health: %s answered %s\n", *url, response.Status)
		return 1
	}
	return 0
}
