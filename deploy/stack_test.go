package main

import (
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/jsii-runtime-go"

	"github.com/albkit/alb/examples/api/config"
)

func TestMain(m *testing.M) {
	// The jsii runtime starts Node.js when the packages initialise, before
	// this runs: JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20, which
	// silences its banner about Node.js 20, must come from the environment
	// (.ci/run sets it; deploy/synth does for the app).
	code := m.Run()
	jsii.Close()
	os.Exit(code)
}

// testSettings returns DefaultSettings with a stand-in bootstrap (the
// stack only copies it), as readSettings returns them without context.
func testSettings(t *testing.T) Settings {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), []byte("stand-in"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.BootstrapDir = dir
	return s
}

const (
	testCertificate = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
	testDomain      = "notes.example.com"
)

// synth builds the stack from s in a new app and returns its template.
func synth(t *testing.T, s Settings) assertions.Template {
	t.Helper()
	app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
	stack, err := NewStack(app, "Test", s)
	if err != nil {
		t.Fatalf("NewStack: %v", err)
	}
	return assertions.Template_FromStack(stack, nil)
}

// TestStack checks every property of the stack, for each mode and with
// and without HTTPS.
func TestStack(t *testing.T) {
	variants := []struct {
		name string
		edit func(*Settings)
	}{
		{"defaults", func(*Settings) {}},
		{"single-value", func(s *Settings) { s.MultiValueHeaders = false }},
		{"multi-value", func(s *Settings) { s.MultiValueHeaders = true }},
		{"https", func(s *Settings) { s.CertificateARN, s.DomainName = testCertificate, testDomain }},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			s := testSettings(t)
			v.edit(&s)
			for _, err := range checkStack(synth(t, s), s) {
				t.Error(err)
			}
		})
	}
}

// TestStackFollowsSettings checks the values the checks leave open: the
// ones the settings choose.
func TestStackFollowsSettings(t *testing.T) {
	s := testSettings(t)
	s.HealthInterval, s.HealthTimeout = 35*time.Second, 30*time.Second
	s.HealthyThreshold, s.UnhealthyThreshold = 5, 3
	s.LogRetention = awslogs.RetentionDays_ONE_WEEK
	s.MultiValueHeaders = false
	tpl := synth(t, s)
	tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), map[string]any{
		"HealthCheckIntervalSeconds": 35,
		"HealthCheckTimeoutSeconds":  30,
		"HealthyThresholdCount":      5,
		"UnhealthyThresholdCount":    3,
		"TargetGroupAttributes":      []any{map[string]any{"Key": multiValueAttribute, "Value": "false"}},
	})
	tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), map[string]any{
		"Environment": map[string]any{"Variables": map[string]any{config.MultiValueHeadersEnv: "false"}},
	})
	tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 7})
}

// TestChecksCatchWrongSettings shows that each check fails on a template
// with the setting it guards gone wrong: the good template with one
// change, as a hand edit or a careless change to NewStack would make.
func TestChecksCatchWrongSettings(t *testing.T) {
	s := testSettings(t)
	good := *synth(t, s).ToJSON()
	raw, err := json.Marshal(good)
	if err != nil {
		t.Fatal(err)
	}
	// resources returns the template's resources of type typ.
	resources := func(tpl map[string]any, typ string) []map[string]any {
		var rs []map[string]any
		for _, r := range tpl["Resources"].(map[string]any) {
			if r := r.(map[string]any); r["Type"] == typ {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			t.Fatalf("no %s in the template", typ)
		}
		return rs
	}
	props := func(tpl map[string]any, typ string) map[string]any {
		return resources(tpl, typ)[0]["Properties"].(map[string]any)
	}
	tests := []struct {
		name      string
		wantCheck string
		edit      func(tpl map[string]any)
	}{
		{"a NAT gateway", "vpc has public subnets only and no NAT gateway", func(tpl map[string]any) {
			tpl["Resources"].(map[string]any)["Nat"] = map[string]any{"Type": "AWS::EC2::NatGateway", "Properties": map[string]any{}}
		}},
		{"a private subnet", "vpc has public subnets only and no NAT gateway", func(tpl map[string]any) {
			props(tpl, "AWS::EC2::Subnet")["MapPublicIpOnLaunch"] = false
		}},
		{"an internal load balancer", "load balancer is internet-facing", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::LoadBalancer")["Scheme"] = "internal"
		}},
		{"the listener on another port", "listeners", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::Listener")["Port"] = 8080
		}},
		{"another port open", "security group opens the listener ports only", func(tpl map[string]any) {
			sg := props(tpl, "AWS::EC2::SecurityGroup")
			sg["SecurityGroupIngress"] = append(sg["SecurityGroupIngress"].([]any),
				map[string]any{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Description": "ssh"})
		}},
		{"x86_64", "function is provided.al2023 on arm64", func(tpl map[string]any) {
			props(tpl, "AWS::Lambda::Function")["Architectures"] = []any{"x86_64"}
		}},
		{"the provided.al2 runtime", "function is provided.al2023 on arm64", func(tpl map[string]any) {
			props(tpl, "AWS::Lambda::Function")["Runtime"] = "provided.al2"
		}},
		{"logs kept forever", "log group has a retention", func(tpl map[string]any) {
			delete(props(tpl, "AWS::Logs::LogGroup"), "RetentionInDays")
		}},
		{"the function not registered", "target group is of type lambda and registers the function", func(tpl map[string]any) {
			delete(props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup"), "Targets")
		}},
		{"target group single-value, function multi-value", "target group and function agree on the multi-value mode", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")["TargetGroupAttributes"] = []any{
				map[string]any{"Key": multiValueAttribute, "Value": "false"}}
		}},
		{"target group default mode", "target group and function agree on the multi-value mode", func(tpl map[string]any) {
			delete(props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup"), "TargetGroupAttributes")
		}},
		{"function told the other mode", "target group and function agree on the multi-value mode", func(tpl map[string]any) {
			props(tpl, "AWS::Lambda::Function")["Environment"].(map[string]any)["Variables"].(map[string]any)[config.MultiValueHeadersEnv] = "false"
		}},
		{"health checks off", "health check on the function's path, within the allowed ranges", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckEnabled"] = false
		}},
		{"another health path", "health check on the function's path, within the allowed ranges", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckPath"] = "/healthz"
		}},
		{"an interval over 300 s", "health check on the function's path, within the allowed ranges", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckIntervalSeconds"] = 301
		}},
		{"a timeout under 2 s", "health check on the function's path, within the allowed ranges", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthCheckTimeoutSeconds"] = 1
		}},
		{"a timeout as long as the interval", "health check on the function's path, within the allowed ranges", func(tpl map[string]any) {
			tg := props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")
			tg["HealthCheckIntervalSeconds"], tg["HealthCheckTimeoutSeconds"] = 30, 30
		}},
		{"a healthy threshold of 11", "health check on the function's path, within the allowed ranges", func(tpl map[string]any) {
			props(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")["HealthyThresholdCount"] = 11
		}},
		{"a permission for any target group", "invoke permission is scoped to the target group", func(tpl map[string]any) {
			delete(props(tpl, "AWS::Lambda::Permission"), "SourceArn")
		}},
		{"an unscoped permission beside the scoped one", "invoke permission is scoped to the target group", func(tpl map[string]any) {
			tpl["Resources"].(map[string]any)["Grant"] = map[string]any{"Type": "AWS::Lambda::Permission", "Properties": map[string]any{
				"Action": "lambda:InvokeFunction", "Principal": "elasticloadbalancing.amazonaws.com", "FunctionName": "f"}}
		}},
		{"target group registered before the permission", "invoke permission is scoped to the target group", func(tpl map[string]any) {
			delete(resources(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup")[0], "DependsOn")
		}},
		{"no url", "url output", func(tpl map[string]any) {
			delete(tpl["Outputs"].(map[string]any), "Url")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tpl map[string]any
			if err := json.Unmarshal(raw, &tpl); err != nil {
				t.Fatal(err)
			}
			tt.edit(tpl)
			errs := checkStack(assertions.Template_FromJSON(&tpl, nil), s)
			names := checkNames(errs)
			if !slices.Contains(names, tt.wantCheck) {
				t.Fatalf("check %q passed; failures: %v", tt.wantCheck, errs)
			}
			t.Logf("caught: %v", errs[slices.Index(names, tt.wantCheck)])
		})
	}
	// The checks name themselves, so that each case above can say which
	// one must fail.
	for _, c := range stackChecks {
		if strings.Contains(c.name, ": ") {
			t.Errorf("check name %q contains \": \"", c.name)
		}
	}
}

// TestValidate checks that each setting that AWS would reject, or that
// would make the target group and the function disagree, is an error,
// and that NewStack refuses it before building anything.
func TestValidate(t *testing.T) {
	if err := testSettings(t).Validate(); err != nil {
		t.Fatalf("DefaultSettings: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Settings)
		want string
	}{
		{"no bootstrap dir", func(s *Settings) { s.BootstrapDir = "" }, "BootstrapDir is not set"},
		{"no bootstrap file", func(s *Settings) { s.BootstrapDir = t.TempDir() }, "holds no file named bootstrap"},
		{"another health path", func(s *Settings) { s.HealthPath = "/healthz" }, "HealthPath"},
		{"interval under 5 s", func(s *Settings) { s.HealthInterval, s.HealthTimeout = 4*time.Second, 2*time.Second }, "HealthInterval"},
		{"interval over 300 s", func(s *Settings) { s.HealthInterval = 301 * time.Second }, "HealthInterval"},
		{"interval not whole seconds", func(s *Settings) { s.HealthInterval = 60500 * time.Millisecond }, "HealthInterval"},
		{"timeout under 2 s", func(s *Settings) { s.HealthTimeout = time.Second }, "HealthTimeout 1s: want whole seconds"},
		{"timeout over 120 s", func(s *Settings) { s.HealthInterval, s.HealthTimeout = 300*time.Second, 121*time.Second }, "HealthTimeout"},
		{"timeout as long as the interval", func(s *Settings) { s.HealthInterval, s.HealthTimeout = 30*time.Second, 30*time.Second }, "want less than HealthInterval"},
		{"healthy threshold 1", func(s *Settings) { s.HealthyThreshold = 1 }, "HealthyThreshold"},
		{"unhealthy threshold 11", func(s *Settings) { s.UnhealthyThreshold = 11 }, "UnhealthyThreshold"},
		{"memory under 128 MB", func(s *Settings) { s.MemoryMB = 64 }, "MemoryMB"},
		{"timeout over 15 minutes", func(s *Settings) { s.Timeout = 16 * time.Minute }, "Timeout 16m0s"},
		{"logs forever", func(s *Settings) { s.LogRetention = awslogs.RetentionDays_INFINITE }, "LogRetention"},
		{"no log retention", func(s *Settings) { s.LogRetention = "" }, "LogRetention"},
		{"certificate not an ARN", func(s *Settings) { s.CertificateARN, s.DomainName = "my-cert", testDomain }, "CertificateARN"},
		{"certificate of another service", func(s *Settings) {
			s.CertificateARN, s.DomainName = "arn:aws:iam::123456789012:server-certificate/x", testDomain
		}, "CertificateARN"},
		{"certificate without a domain", func(s *Settings) { s.CertificateARN = testCertificate }, "DomainName"},
		{"domain without a certificate", func(s *Settings) { s.DomainName = testDomain }, "DomainName"},
		{"domain with a scheme", func(s *Settings) {
			s.CertificateARN, s.DomainName = testCertificate, "https://notes.example.com"
		}, "DomainName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSettings(t)
			tt.edit(&s)
			err := s.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error with %q", err, tt.want)
			}
			app := awscdk.NewApp(&awscdk.AppProps{Outdir: jsii.String(t.TempDir())})
			if _, err := NewStack(app, "Test", s); err == nil {
				t.Fatal("NewStack built a stack from invalid settings")
			}
			if n := len(*app.Node().Children()); n != 0 {
				t.Fatalf("NewStack added %d constructs to the app before failing", n)
			}
		})
	}
}

// TestReadSettings checks the context values the app reads, as the CDK
// CLI's -c gives them (strings) and as cdk.json may (JSON values).
func TestReadSettings(t *testing.T) {
	def := DefaultSettings()
	def.BootstrapDir = "dir"
	tests := []struct {
		name    string
		ctx     map[string]any
		want    func(*Settings)
		stack   string
		wantErr string
	}{
		{name: "none", want: func(*Settings) {}, stack: defaultStackName},
		{name: "multi-value off", ctx: map[string]any{"multiValueHeaders": "false"}, want: func(s *Settings) { s.MultiValueHeaders = false }, stack: defaultStackName},
		{name: "multi-value on, JSON", ctx: map[string]any{"multiValueHeaders": true}, want: func(s *Settings) { s.MultiValueHeaders = true }, stack: defaultStackName},
		{name: "multi-value off, JSON", ctx: map[string]any{"multiValueHeaders": false}, want: func(s *Settings) { s.MultiValueHeaders = false }, stack: defaultStackName},
		{name: "multi-value typo", ctx: map[string]any{"multiValueHeaders": "ture"}, wantErr: "multiValueHeaders"},
		{name: "multi-value number", ctx: map[string]any{"multiValueHeaders": 1.0}, wantErr: "multiValueHeaders"},
		{name: "https", ctx: map[string]any{"certificateArn": testCertificate, "domainName": testDomain},
			want: func(s *Settings) { s.CertificateARN, s.DomainName = testCertificate, testDomain }, stack: defaultStackName},
		{name: "certificate not a string", ctx: map[string]any{"certificateArn": 1.0}, wantErr: "certificateArn"},
		{name: "stack name", ctx: map[string]any{"stackName": "notes-prod"}, want: func(*Settings) {}, stack: "notes-prod"},
		{name: "bad stack name", ctx: map[string]any{"stackName": "1notes"}, wantErr: "stackName"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get := func(key *string) any { return tt.ctx[*key] }
			s, name, err := readSettings(get, "dir")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("readSettings = %v, want an error with %q", err, tt.wantErr)
				}
				return
			}
			want := def
			tt.want(&want)
			if err != nil || s != want || name != tt.stack {
				t.Fatalf("readSettings = %+v, %q, %v; want %+v, %q", s, name, err, want, tt.stack)
			}
		})
	}
}

// TestContextReachesStack checks the path from the app's -c flags to the
// template: the flag of the multi-value mode sets both the target group
// and the function.
func TestContextReachesStack(t *testing.T) {
	for _, v := range []string{"true", "false"} {
		t.Run(v, func(t *testing.T) {
			s := testSettings(t)
			out := t.TempDir()
			t.Setenv(bootstrapDirEnv, s.BootstrapDir)
			if err := run([]string{"-o", out, "-c", "multiValueHeaders=" + v, "-c", "stackName=Ctx"}); err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(out, "Ctx.template.json"))
			if err != nil {
				t.Fatal(err)
			}
			s.MultiValueHeaders = v == "true"
			tpl := assertions.Template_FromString(jsii.String(string(raw)), nil)
			for _, err := range checkStack(tpl, s) {
				t.Error(err)
			}
		})
	}
}

// assemblyEnv names a cloud assembly that deploy/synth already wrote with
// the default settings, such as the one .ci/run has the CDK CLI write
// through cdk.json: TestSynthScript then checks it instead of running
// deploy/synth again.
const assemblyEnv = "ALB_DEPLOY_ASSEMBLY"

// TestSynthScript runs deploy/synth, the command the README gives, and
// checks what it wrote: the template passes every check, and the
// function's asset is examples/api built with the lean build flags.
func TestSynthScript(t *testing.T) {
	out := os.Getenv(assemblyEnv)
	if out != "" {
		t.Logf("checking the cloud assembly in %s (%s)", out, assemblyEnv)
	} else {
		out = t.TempDir()
		cmd := exec.Command("./synth", out)
		cmd.Stdout, cmd.Stderr = t.Output(), t.Output()
		if err := cmd.Run(); err != nil {
			t.Fatalf("deploy/synth %s: %v", out, err)
		}
	}

	raw, err := os.ReadFile(filepath.Join(out, defaultStackName+".template.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	tpl := assertions.Template_FromString(jsii.String(string(raw)), nil)
	for _, err := range checkStack(tpl, s) {
		t.Error(err)
	}

	// The function's code is the asset whose hash the template names.
	_, fn := onlyResource(t, tpl, "AWS::Lambda::Function")
	key, _ := fn["Code"].(map[string]any)["S3Key"].(string)
	hash, ok := strings.CutSuffix(key, ".zip")
	if !ok {
		t.Fatalf("function Code.S3Key = %q, want HASH.zip", key)
	}
	assets, err := filepath.Glob(filepath.Join(out, "asset."+hash+"*", "bootstrap"))
	if err != nil || len(assets) != 1 {
		t.Fatalf("bootstrap of asset %s: found %v (%v)", hash, assets, err)
	}
	checkLeanBuild(t, assets[0])
}

// onlyResource returns the one resource of type typ and its properties.
func onlyResource(t *testing.T, tpl assertions.Template, typ string) (string, map[string]any) {
	t.Helper()
	found := *tpl.FindResources(jsii.String(typ), nil)
	if len(found) != 1 {
		t.Fatalf("want one %s, found %d", typ, len(found))
	}
	for id, r := range found {
		return id, (*r)["Properties"].(map[string]any)
	}
	panic("unreachable")
}

// checkLeanBuild fails t unless the executable at path is a lean build
// (see leanBuildErrors).
func checkLeanBuild(t *testing.T, path string) {
	t.Helper()
	for _, err := range leanBuildErrors(path) {
		t.Error(err)
	}
}

// leanBuildErrors checks that the executable at path is examples/api for
// linux/arm64, built with -tags lambda.norpc -trimpath and without cgo, as
// its build information records, and that it has no symbol table and no
// DWARF, as -ldflags='-s -w' leaves it.
func leanBuildErrors(path string) []error {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return []error{fmt.Errorf("build info of %s: %v", path, err)}
	}
	var errs []error
	if bi.Path != "github.com/albkit/alb/examples/api" {
		errs = append(errs, fmt.Errorf("bootstrap is %s, want github.com/albkit/alb/examples/api", bi.Path))
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	for _, kv := range [][2]string{
		{"GOOS", "linux"},
		{"GOARCH", "arm64"},
		{"CGO_ENABLED", "0"},
		{"-tags", "lambda.norpc"},
		{"-trimpath", "true"},
		// With -trimpath the build information leaves -ldflags out: the
		// sections below show -s -w.
	} {
		if settings[kv[0]] != kv[1] {
			errs = append(errs, fmt.Errorf("bootstrap built with %s=%q, want %q", kv[0], settings[kv[0]], kv[1]))
		}
	}
	f, err := elf.Open(path)
	if err != nil {
		return append(errs, err)
	}
	defer f.Close()
	if f.Machine != elf.EM_AARCH64 {
		errs = append(errs, fmt.Errorf("bootstrap is for %v, want EM_AARCH64", f.Machine))
	}
	for _, sec := range f.Sections {
		if sec.Name == ".symtab" || strings.HasPrefix(sec.Name, ".debug_") || strings.HasPrefix(sec.Name, ".zdebug_") {
			errs = append(errs, fmt.Errorf("bootstrap has section %s: not built with -ldflags='-s -w'", sec.Name))
		}
	}
	return errs
}

// TestLeanBuildCheckFails shows that leanBuildErrors catches a bootstrap
// built the default way: go build for linux/amd64 with no flags.
func TestLeanBuildCheckFails(t *testing.T) {
	out := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = filepath.Join("..", "examples", "api")
	cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=amd64", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	var got []string
	for _, err := range leanBuildErrors(out) {
		got = append(got, err.Error())
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"GOARCH=\"amd64\"", "-tags=\"\"", "-trimpath=\"\"", "EM_X86_64", "section .symtab"} {
		if !strings.Contains(all, want) {
			t.Errorf("leanBuildErrors missed %s; got:\n%s", want, all)
		}
	}
}

// TestCfnLint lints the templates of the default stack and of one with
// HTTPS in single-value mode with cfn-lint, when it is installed. W3005
// (a DependsOn that a GetAtt already implies) is left out: the CDK's
// Function adds one on its role.
func TestCfnLint(t *testing.T) {
	lint, err := exec.LookPath("cfn-lint")
	if err != nil {
		t.Skip("cfn-lint is not installed: the templates are not linted (pip install cfn-lint)")
	}
	dir := t.TempDir()
	variants := map[string]func(*Settings){
		"default": func(*Settings) {},
		"https-single-value": func(s *Settings) {
			s.CertificateARN, s.DomainName, s.MultiValueHeaders = testCertificate, testDomain, false
		},
	}
	args := []string{"--ignore-checks", "W3005", "--"}
	for name, edit := range variants {
		s := testSettings(t)
		edit(&s)
		raw, err := json.Marshal(*synth(t, s).ToJSON())
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, name+".template.json")
		if err := os.WriteFile(file, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, file)
	}
	out, err := exec.Command(lint, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("cfn-lint: %v\n%s", err, out)
	}
}
