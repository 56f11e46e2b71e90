package alb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/albkit/alb/emulator"
)

// StartOption configures how Start serves the router outside Lambda.
type StartOption func(*startConfig)

type startConfig struct {
	addr        string
	multiValue  bool
	timeout     time.Duration
	healthPath  string
	healthEvery time.Duration
	out         io.Writer
}

// WithAddr sets the local address to listen on, such as "127.0.0.1:9000".
// The default is ":" and the PORT environment variable, or ":8080".
func WithAddr(addr string) StartOption {
	return func(c *startConfig) { c.addr = addr }
}

// WithMultiValueHeaders serves in multi-value mode, like a target group
// with lambda.multi_value_headers.enabled. The default is single-value
// mode, like a new target group.
func WithMultiValueHeaders() StartOption {
	return func(c *startConfig) { c.multiValue = true }
}

// WithTimeout sets the function timeout of the emulated invocation: the
// deadline of the context handlers see. The default is 30 seconds.
func WithTimeout(d time.Duration) StartOption {
	return func(c *startConfig) { c.timeout = d }
}

// WithHealthChecks sends an ALB health check (GET path, user-agent
// ELB-HealthChecker/2.0, no host) every interval, and logs each result, as
// a target group with health checks enabled does.
func WithHealthChecks(path string, interval time.Duration) StartOption {
	return func(c *startConfig) { c.healthPath, c.healthEvery = path, interval }
}

// Start serves r. Inside Lambda (AWS_LAMBDA_RUNTIME_API is set) it calls
// lambda.Start(r) and never returns. Anywhere else it serves r on a local
// port through the ALB emulator (package emulator), which turns each HTTP
// request into the event an ALB would send and checks each response as the
// ALB would, so what runs locally is what runs behind the ALB. It prints
// the URL and the mode, and returns after a graceful shutdown on SIGINT or
// SIGTERM (requests in flight get two seconds). It exits the process if the port cannot be opened.
func Start(r *Router, opts ...StartOption) {
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		lambda.Start(r)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveLocal(ctx, r, nil, opts...); err != nil {
		fmt.Fprintln(os.Stderr, "alb:", err)
		stop()
		os.Exit(1)
	}
}

// serveLocal serves r through the emulator until ctx is done, then shuts
// down gracefully. If ready is not nil, it receives the listening address.
func serveLocal(ctx context.Context, r *Router, ready chan<- net.Addr, opts ...StartOption) error {
	cfg := startConfig{timeout: 30 * time.Second, out: os.Stdout}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.addr == "" {
		port := os.Getenv("PORT")
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			port = "8080"
		}
		cfg.addr = ":" + port
	}
	emu := emulator.New(r, emulator.Options{MultiValue: cfg.multiValue, Timeout: cfg.timeout, Logger: r.logger()})
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}
	mode := "single-value"
	if cfg.multiValue {
		mode = "multi-value"
	}
	fmt.Fprintf(cfg.out, "alb: serving on http://%s like an ALB in %s mode (Ctrl-C stops)\n", displayAddr(ln.Addr()), mode)
	if ready != nil {
		ready <- ln.Addr()
	}
	if cfg.healthEvery > 0 {
		go healthChecks(ctx, emu, cfg.healthPath, cfg.healthEvery, r.logger())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// Requests in flight get a short grace. A browser's preconnected
	// sockets that never carry a request would hold Shutdown for five
	// seconds; they are closed when the grace ends.
	grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(grace); errors.Is(err, context.DeadlineExceeded) {
		err = srv.Close()
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// shutdownGrace is how long a local server waits for requests in flight
// after SIGINT or SIGTERM.
const shutdownGrace = 2 * time.Second

// displayAddr turns a listening address into one a browser can open.
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// healthChecks sends a health check every interval until ctx is done.
func healthChecks(ctx context.Context, emu *emulator.Emulator, path string, every time.Duration, log *slog.Logger) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			status, err := emu.HealthCheck(ctx, path, http.MethodGet)
			if err != nil {
				log.Warn("alb: health check failed", "path", path, "status", status, "error", err)
				continue
			}
			log.Info("alb: health check", "path", path, "status", status)
		}
	}
}
