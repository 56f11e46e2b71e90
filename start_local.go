//go:build !lambda.norpc

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
	"strings"
	"syscall"
	"time"

	"github.com/albkit/alb/emulator"
)

// Start serves r. Inside Lambda (AWS_LAMBDA_RUNTIME_API is set) it serves
// r through the Lambda Runtime API and never returns: with alb's own loop
// by default, or with aws-lambda-go's lambda.Start when WithAWSLambdaLoop
// or the environment variable ALB_RUNTIME=aws-lambda-go asks for it (the
// README lists the differences between the two, none of which a handler
// sees). Before the first invocation it freezes the router's
// configuration; a panic there is reported to Lambda as an initialization
// error (see FailInit). Anywhere else it serves r on a local
// port through the ALB emulator (package emulator), which turns each HTTP
// request into the event an ALB would send and checks each response as the
// ALB would, so what runs locally is what runs behind the ALB. It prints
// the URL and the mode, and returns after a graceful shutdown on SIGINT or
// SIGTERM (requests in flight get two seconds). It exits the process if the
// port cannot be opened.
//
// The local server listens on loopback unless told otherwise (WithAddr,
// HOST). Its timeouts are those of an ALB with default attributes, and
// never cut off the function: 10 seconds to read a request's header, 60
// to read the whole request, 60 for an idle keep-alive connection (the
// ALB's default idle timeout), and, to write the response, the function
// timeout (WithTimeout) plus two minutes from the end of the header.
// Requests with an obs-folded header line get the ALB's 400 (see
// emulator.NewListener).
//
// On Unix, the signal SIGUSR1 sends the function one health check, the
// same event as WithHealthChecks sends, and logs the result; the banner
// prints the command, "kill -USR1 <pid>" (under go run, the pid is the
// program's, not the go command's).
//
// A binary built with the tag lambda.norpc, the way AWS documents for the
// provided.al2023 runtime,
//
//	GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags='-s -w' -o bootstrap
//
// has no local server: its Start only serves r through the Runtime API,
// and ignores the options of the local server, so that the emulator, its HTTP server and the
// signal handling stay out of the binary (a few hundred kilobytes less to
// download and map on each cold start). Outside Lambda such a binary says
// so and exits; build without the tag (go run) to serve locally.
func Start(r *Router, opts ...StartOption) {
	var cfg startConfig
	for _, opt := range opts {
		opt(&cfg)
	}
	if os.Getenv("AWS_LAMBDA_RUNTIME_API") != "" {
		startLambda(r, cfg.lambda)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serveLocal(ctx, r, nil, opts...); err != nil {
		fmt.Fprintln(os.Stderr, "alb:", err)
		stop()
		os.Exit(1)
	}
	for _, hook := range cfg.lambda.hooks {
		hook()
	}
}

// serveLocal serves r through the emulator until ctx is done, then shuts
// down gracefully. If ready is not nil, it receives the listening address.
func serveLocal(ctx context.Context, r *Router, ready chan<- net.Addr, opts ...StartOption) error {
	cfg := startConfig{timeout: 30 * time.Second, out: os.Stdout, readTimeout: readTimeout, writeMargin: writeMargin}
	for _, opt := range opts {
		opt(&cfg)
	}
	if cfg.healthPath == "" {
		cfg.healthPath = "/"
	}
	emu := emulator.New(r, emulator.Options{MultiValue: cfg.multiValue, Timeout: cfg.timeout, Logger: r.logger()})
	ln, err := net.Listen("tcp", listenAddr(cfg.addr))
	if err != nil {
		return err
	}
	srv := newLocalServer(emu, cfg)
	mode := "single-value"
	if cfg.multiValue {
		mode = "multi-value"
	}
	url := displayAddr(ln.Addr())
	if url != ln.Addr().String() {
		url += " (bound to " + ln.Addr().String() + ")"
	}
	fmt.Fprintf(cfg.out, "alb: serving on http://%s like an ALB in %s mode (Ctrl-C stops)\n", url, mode)
	if sig, stopSig := healthSignal(); sig != nil {
		defer stopSig()
		fmt.Fprintf(cfg.out, "alb: kill -%s %d sends a health check (GET %s)\n", healthSignalName, os.Getpid(), cfg.healthPath)
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-sig:
					healthCheck(ctx, emu, cfg.healthPath, "SIG"+healthSignalName, r.logger())
				}
			}
		}()
	}
	if ready != nil {
		ready <- ln.Addr()
	}
	if cfg.healthEvery > 0 {
		go healthChecks(ctx, emu, cfg.healthPath, cfg.healthEvery, r.logger())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(emulator.NewListener(ln)) }()
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

type startConfig struct {
	addr        string
	multiValue  bool
	timeout     time.Duration
	healthPath  string
	healthEvery time.Duration
	out         io.Writer
	lambda      lambdaConfig

	// The server's timeouts but the function's; tests shorten them.
	readTimeout time.Duration
	writeMargin time.Duration
}

// The local server's timeouts (see Start).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second // the whole request, body included
	idleTimeout       = 60 * time.Second // the ALB's default idle timeout
	writeMargin       = 2 * time.Minute  // WriteTimeout less the function timeout
)

// newLocalServer returns the local server of emu. net/http starts the
// write deadline when it has read the request header; the emulator then
// reads the body (within the read timeout), waits for the function (at
// most its timeout) and writes the response (at most 1 MB). WriteTimeout
// is the function timeout plus writeMargin, which is more than the read
// timeout and a minute to write, so that a function that returns in time
// always gets its response through.
func newLocalServer(emu http.Handler, cfg startConfig) *http.Server {
	return &http.Server{
		Handler:           emu,
		ReadHeaderTimeout: min(readHeaderTimeout, cfg.readTimeout),
		ReadTimeout:       cfg.readTimeout,
		WriteTimeout:      cfg.timeout + cfg.writeMargin,
		IdleTimeout:       idleTimeout,
	}
}

// listenAddr returns the address to listen on: addr, or the HOST
// environment variable (default 127.0.0.1) with the PORT one (default
// 8080).
func listenAddr(addr string) string {
	if addr != "" {
		return addr
	}
	host := strings.TrimSuffix(strings.TrimPrefix(os.Getenv("HOST"), "["), "]")
	if host == "" {
		host = "127.0.0.1"
	}
	port := os.Getenv("PORT")
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		port = "8080"
	}
	return net.JoinHostPort(host, port)
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
			healthCheck(ctx, emu, path, "interval", log)
		}
	}
}

// healthCheck sends one health check and logs its result; trigger says
// what sent it.
func healthCheck(ctx context.Context, emu *emulator.Emulator, path, trigger string, log *slog.Logger) {
	status, err := emu.HealthCheck(ctx, path, http.MethodGet)
	if err != nil {
		log.Warn("alb: health check failed", "path", path, "trigger", trigger, "status", status, "error", err)
		return
	}
	log.Info("alb: health check", "path", path, "trigger", trigger, "status", status)
}
