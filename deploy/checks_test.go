package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/albkit/alb/examples/api/config"
)

// A check asserts one property of the stack on its synthesised template,
// with package assertions, for the settings the stack was built from. The
// assertions panic when they fail (a JavaScript exception through jsii);
// runCheck turns that into an error.
type check struct {
	name string
	fn   func(tpl assertions.Template, s Settings)
}

// runCheck runs c and returns its failure, or nil.
func runCheck(c check, tpl assertions.Template, s Settings) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: %v", c.name, r)
		}
	}()
	c.fn(tpl, s)
	return nil
}

// checkStack runs every check and returns the failures, one per check.
func checkStack(tpl assertions.Template, s Settings) []error {
	var errs []error
	for _, c := range stackChecks {
		if err := runCheck(c, tpl, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// failf fails a check, the way the assertions do: with a panic.
func failf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// obj is a JSON object of the template.
type obj = map[string]any

// only returns the one resource of type typ matching props, failing
// unless there is exactly one, and its properties.
func only(tpl assertions.Template, typ string, props any) (id string, properties obj) {
	found := *tpl.FindResources(jsii.String(typ), props)
	if len(found) != 1 {
		failf("want one %s, found %d", typ, len(found))
	}
	for id, r := range found {
		p, _ := (*r)["Properties"].(obj)
		return id, p
	}
	panic("unreachable")
}

// intProp returns the number p[key] as an int, failing if it is not one.
func intProp(p obj, key string) int {
	f, ok := p[key].(float64)
	if !ok || f != float64(int(f)) {
		failf("%s = %v, want a whole number", key, p[key])
	}
	return int(f)
}

// inRange fails unless min <= d <= max, in whole seconds.
func inRange(name string, seconds int, min, max time.Duration) {
	d := time.Duration(seconds) * time.Second
	if d < min || d > max {
		failf("%s = %v, outside the allowed %v to %v", name, d, min, max)
	}
}

// ref is {"Ref": id}.
func ref(id string) obj { return obj{"Ref": id} }

// getAtt is {"Fn::GetAtt": [id, attr]}.
func getAtt(id, attr string) obj { return obj{"Fn::GetAtt": []any{id, attr}} }

var stackChecks = []check{
	{"vpc has public subnets only and no NAT gateway", func(tpl assertions.Template, s Settings) {
		tpl.ResourceCountIs(jsii.String("AWS::EC2::VPC"), jsii.Number(1))
		tpl.ResourceCountIs(jsii.String("AWS::EC2::NatGateway"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::EC2::EIP"), jsii.Number(0))
		tpl.ResourceCountIs(jsii.String("AWS::EC2::InternetGateway"), jsii.Number(1))
		subnets := *tpl.FindResources(jsii.String("AWS::EC2::Subnet"), nil)
		if len(subnets) != 2 {
			failf("want 2 subnets (an ALB needs two zones), found %d", len(subnets))
		}
		// Every subnet is public: its route table sends 0.0.0.0/0 to the
		// internet gateway (and it is tagged Public).
		tpl.AllResourcesProperties(jsii.String("AWS::EC2::Subnet"), obj{
			"MapPublicIpOnLaunch": true,
			"Tags":                assertions.Match_ArrayWith(&[]any{obj{"Key": "aws-cdk:subnet-type", "Value": "Public"}}),
		})
		igw, _ := only(tpl, "AWS::EC2::InternetGateway", nil)
		tpl.ResourcePropertiesCountIs(jsii.String("AWS::EC2::Route"), obj{
			"DestinationCidrBlock": "0.0.0.0/0",
			"GatewayId":            ref(igw),
		}, jsii.Number(2))
	}},

	{"load balancer is internet-facing", func(tpl assertions.Template, s Settings) {
		_, p := only(tpl, "AWS::ElasticLoadBalancingV2::LoadBalancer", nil)
		if p["Scheme"] != "internet-facing" || p["Type"] != "application" {
			failf("load balancer Scheme %v, Type %v: want internet-facing, application", p["Scheme"], p["Type"])
		}
		if subnets, _ := p["Subnets"].([]any); len(subnets) != 2 {
			failf("load balancer in %d subnets, want 2", len(subnets))
		}
	}},

	{"listeners", func(tpl assertions.Template, s Settings) {
		lb, _ := only(tpl, "AWS::ElasticLoadBalancingV2::LoadBalancer", nil)
		tg, _ := only(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup", nil)
		forward := &[]any{obj{"Type": "forward", "TargetGroupArn": ref(tg)}}
		if s.CertificateARN == "" {
			tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), jsii.Number(1))
			tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
				"LoadBalancerArn": ref(lb),
				"Port":            80,
				"Protocol":        "HTTP",
				"DefaultActions":  assertions.Match_ArrayEquals(forward),
			})
			return
		}
		tpl.ResourceCountIs(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), jsii.Number(2))
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
			"LoadBalancerArn": ref(lb),
			"Port":            443,
			"Protocol":        "HTTPS",
			"Certificates":    []any{obj{"CertificateArn": s.CertificateARN}},
			"SslPolicy":       assertions.Match_StringLikeRegexp(jsii.String("^ELBSecurityPolicy-TLS13-")),
			"DefaultActions":  assertions.Match_ArrayEquals(forward),
		})
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::Listener"), obj{
			"LoadBalancerArn": ref(lb),
			"Port":            80,
			"Protocol":        "HTTP",
			"DefaultActions": []any{obj{
				"Type": "redirect",
				"RedirectConfig": obj{
					"Protocol":   "HTTPS",
					"Port":       "443",
					"StatusCode": "HTTP_301",
				},
			}},
		})
	}},

	{"security group opens the listener ports only", func(tpl assertions.Template, s Settings) {
		// In the order of the listeners.
		ports := []any{obj{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
			"Description": assertions.Match_AnyValue()}}
		if s.CertificateARN != "" {
			ports = append([]any{obj{"CidrIp": "0.0.0.0/0", "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
				"Description": assertions.Match_AnyValue()}}, ports...)
		}
		tpl.ResourceCountIs(jsii.String("AWS::EC2::SecurityGroup"), jsii.Number(1))
		tpl.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroup"), obj{
			"SecurityGroupIngress": assertions.Match_ArrayEquals(&ports),
		})
	}},

	{"function is provided.al2023 on arm64", func(tpl assertions.Template, s Settings) {
		tpl.ResourceCountIs(jsii.String("AWS::Lambda::Function"), jsii.Number(1))
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), obj{
			"Runtime":       "provided.al2023",
			"Architectures": []any{"arm64"},
			"Handler":       "bootstrap",
			"MemorySize":    s.MemoryMB,
			"Timeout":       int(s.Timeout / time.Second),
			"Environment": obj{"Variables": obj{
				"API_TOKEN":                 ref("ApiToken"),
				config.MultiValueHeadersEnv: assertions.Match_AnyValue(),
			}},
		})
		tpl.HasParameter(jsii.String("ApiToken"), obj{"NoEcho": true, "MinLength": 16})
	}},

	{"log group has a retention", func(tpl assertions.Template, s Settings) {
		logs, p := only(tpl, "AWS::Logs::LogGroup", nil)
		if _, ok := p["RetentionInDays"].(float64); !ok {
			failf("log group %s keeps its logs forever (no RetentionInDays)", logs)
		}
		tpl.HasResourceProperties(jsii.String("AWS::Lambda::Function"), obj{
			"LoggingConfig": obj{"LogGroup": ref(logs)},
		})
	}},

	{"target group is of type lambda and registers the function", func(tpl assertions.Template, s Settings) {
		fn, _ := only(tpl, "AWS::Lambda::Function", nil)
		tpl.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), obj{
			"TargetType": "lambda",
			"Targets":    []any{obj{"Id": getAtt(fn, "Arn")}},
		})
	}},

	{"target group and function agree on the multi-value mode", func(tpl assertions.Template, s Settings) {
		_, tg := only(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup", nil)
		var attr any
		attrs, _ := tg["TargetGroupAttributes"].([]any)
		for _, a := range attrs {
			if a, _ := a.(obj); a["Key"] == multiValueAttribute {
				attr = a["Value"]
			}
		}
		want := config.FormatMultiValueHeaders(s.MultiValueHeaders)
		if attr != want {
			failf("target group %s = %v, want %q", multiValueAttribute, attr, want)
		}
		_, fn := only(tpl, "AWS::Lambda::Function", nil)
		env, _ := fn["Environment"].(obj)
		vars, _ := env["Variables"].(obj)
		v, _ := vars[config.MultiValueHeadersEnv].(string)
		on, err := config.MultiValueHeaders(func(string) string { return v })
		if v == "" || err != nil || on != s.MultiValueHeaders {
			failf("function's %s = %q, which config reads as %v (%v); target group says %v", config.MultiValueHeadersEnv, v, on, err, attr)
		}
	}},

	{"health check on the function's path, within the allowed ranges", func(tpl assertions.Template, s Settings) {
		_, tg := only(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup", nil)
		if tg["HealthCheckEnabled"] != true {
			failf("HealthCheckEnabled = %v: checks are off by default for lambda targets", tg["HealthCheckEnabled"])
		}
		if tg["HealthCheckPath"] != config.HealthPath {
			failf("HealthCheckPath = %v, but the function answers checks on %q", tg["HealthCheckPath"], config.HealthPath)
		}
		interval, timeout := intProp(tg, "HealthCheckIntervalSeconds"), intProp(tg, "HealthCheckTimeoutSeconds")
		inRange("HealthCheckIntervalSeconds", interval, minHealthInterval, maxHealthInterval)
		inRange("HealthCheckTimeoutSeconds", timeout, minHealthTimeout, maxHealthTimeout)
		if timeout >= interval {
			failf("HealthCheckTimeoutSeconds %d, want less than the interval, %d", timeout, interval)
		}
		for _, k := range []string{"HealthyThresholdCount", "UnhealthyThresholdCount"} {
			if n := intProp(tg, k); n < minHealthThreshold || n > maxHealthThreshold {
				failf("%s = %d, outside %d to %d", k, n, minHealthThreshold, maxHealthThreshold)
			}
		}
		if m, _ := tg["Matcher"].(obj); m["HttpCode"] != "200" {
			failf("Matcher = %v, want HttpCode 200, what the function's check answers", tg["Matcher"])
		}
	}},

	{"invoke permission is scoped to the target group", func(tpl assertions.Template, s Settings) {
		fn, _ := only(tpl, "AWS::Lambda::Function", nil)
		_, tg := only(tpl, "AWS::ElasticLoadBalancingV2::TargetGroup", nil)
		// The only permission on the function: no unscoped grant beside it.
		perm, p := only(tpl, "AWS::Lambda::Permission", nil)
		if p["Principal"] != "elasticloadbalancing.amazonaws.com" || p["Action"] != "lambda:InvokeFunction" {
			failf("permission %s: Principal %v, Action %v", perm, p["Principal"], p["Action"])
		}
		if fmt.Sprint(p["FunctionName"]) != fmt.Sprint(getAtt(fn, "Arn")) {
			failf("permission %s is for %v, not the function", perm, p["FunctionName"])
		}
		name, _ := tg["Name"].(string)
		sub, _ := p["SourceArn"].(obj)
		arn, _ := sub["Fn::Sub"].(string)
		want := "arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/" + name + "/*"
		if name == "" || arn != want {
			failf("permission %s: SourceArn %v, want {Fn::Sub: %q}", perm, p["SourceArn"], want)
		}
		if fmt.Sprint(p["SourceAccount"]) != fmt.Sprint(ref("AWS::AccountId")) {
			failf("permission %s: SourceAccount %v, want this account", perm, p["SourceAccount"])
		}
		// The target group registers the function only once it may.
		tpl.HasResource(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), obj{
			"DependsOn": assertions.Match_ArrayWith(&[]any{perm}),
		})
	}},

	{"url output", func(tpl assertions.Template, s Settings) {
		lb, _ := only(tpl, "AWS::ElasticLoadBalancingV2::LoadBalancer", nil)
		want := any(obj{"Fn::Join": []any{"", []any{"http://", getAtt(lb, "DNSName")}}})
		if s.CertificateARN != "" {
			want = "https://" + s.DomainName
		}
		tpl.HasOutput(jsii.String("Url"), obj{"Value": want})
		tpl.HasOutput(jsii.String("LoadBalancerDnsName"), obj{"Value": getAtt(lb, "DNSName")})
	}},
}

// checkNames returns the names of the checks that errs come from.
func checkNames(errs []error) []string {
	var names []string
	for _, err := range errs {
		for _, c := range stackChecks {
			if strings.HasPrefix(err.Error(), c.name+": ") {
				names = append(names, c.name)
			}
		}
	}
	return names
}
