// Command deploy is an AWS CDK app that puts examples/api on AWS Lambda
// behind an internet-facing Application Load Balancer (see NewStack for
// what the stack holds).
//
// deploy/synth builds the function and runs this app; the CDK CLI runs it
// through deploy/synth too (cdk.json), so that what is deployed is what
// the tests check:
//
//	deploy/synth DIR                   # the CloudFormation template in DIR, offline
//	cd deploy && npx cdk deploy --parameters ApiToken=...
//
// The app reads the bootstrap directory from the environment variable
// ALB_DEPLOY_BOOTSTRAP_DIR, writes the cloud assembly to the directory the
// CDK CLI names (CDK_OUTDIR) or to the -o flag's, and takes these context
// values (cdk -c key=value, or the -c flag of this app):
//
//	multiValueHeaders  true or false: the target group's multi-value
//	                   headers mode, given to the function too (default
//	                   true, config.DefaultMultiValueHeaders)
//	certificateArn     an ACM certificate's ARN: adds HTTPS on port 443,
//	                   and port 80 redirects to it
//	domainName         the host name the certificate is for (required with
//	                   certificateArn), used in the Url output
//	stackName          the stack's name (default AlbApi)
package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
)

// bootstrapDirEnv is the environment variable naming the directory of the
// function's bootstrap, which deploy/synth sets.
const bootstrapDirEnv = "ALB_DEPLOY_BOOTSTRAP_DIR"

// defaultStackName is the stack's name without the stackName context.
const defaultStackName = "AlbApi"

// stackName is the form of a CloudFormation stack's name.
var stackName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{0,127}$`)

func main() {
	err := run(os.Args[1:])
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy:", err)
		os.Exit(1)
	}
}

// contextFlags collects -c key=value flags.
type contextFlags map[string]any

func (c contextFlags) String() string { return fmt.Sprint(map[string]any(c)) }

func (c contextFlags) Set(kv string) error {
	k, v, ok := strings.Cut(kv, "=")
	if !ok || k == "" {
		return fmt.Errorf("want key=value, got %q", kv)
	}
	c[k] = v
	return nil
}

func run(args []string) error {
	fs := flag.NewFlagSet("deploy", flag.ContinueOnError)
	outdir := fs.String("o", "", "write the cloud assembly to `DIR` (default: $CDK_OUTDIR, set by the CDK CLI)")
	ctx := contextFlags{}
	fs.Var(ctx, "c", "a context value, `key=value` (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	props := &awscdk.AppProps{}
	if *outdir != "" {
		props.Outdir = jsii.String(*outdir)
	}
	if len(ctx) > 0 {
		m := make(map[string]any, len(ctx))
		for k, v := range ctx {
			m[k] = v
		}
		props.Context = &m
	}
	app := awscdk.NewApp(props)
	s, name, err := readSettings(app.Node().TryGetContext, os.Getenv(bootstrapDirEnv))
	if err != nil {
		return err
	}
	if _, err := NewStack(app, name, s); err != nil {
		return err
	}
	app.Synth(nil)
	return nil
}

// readSettings returns the settings and the stack name that the context
// values, read with get, ask for, from DefaultSettings, with the function's
// bootstrap in bootstrapDir. A context value may be a string, as the
// command line gives it, or a JSON value of the right type, as cdk.json
// may.
func readSettings(get func(key *string) any, bootstrapDir string) (Settings, string, error) {
	s := DefaultSettings()
	s.BootstrapDir = bootstrapDir
	str := func(key string) (string, error) {
		switch v := get(jsii.String(key)).(type) {
		case nil:
			return "", nil
		case string:
			return v, nil
		default:
			return "", fmt.Errorf("context %s: want a string, got %v", key, v)
		}
	}
	switch v := get(jsii.String("multiValueHeaders")).(type) {
	case nil:
	case bool:
		s.MultiValueHeaders = v
	case string:
		on, err := strconv.ParseBool(v)
		if err != nil {
			return s, "", fmt.Errorf("context multiValueHeaders=%q: want true or false", v)
		}
		s.MultiValueHeaders = on
	default:
		return s, "", fmt.Errorf("context multiValueHeaders: want true or false, got %v", v)
	}
	var err error
	if s.CertificateARN, err = str("certificateArn"); err != nil {
		return s, "", err
	}
	if s.DomainName, err = str("domainName"); err != nil {
		return s, "", err
	}
	name, err := str("stackName")
	if err != nil {
		return s, "", err
	}
	if name == "" {
		name = defaultStackName
	} else if !stackName.MatchString(name) {
		return s, "", fmt.Errorf("context stackName=%q: want a letter, then letters, digits and hyphens, at most 128", name)
	}
	return s, name, nil
}
