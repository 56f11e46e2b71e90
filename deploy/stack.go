package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/albkit/alb/examples/api/config"
)

// The limits of a target group's health check, for targets of type lambda
// (Elastic Load Balancing's CreateTargetGroup): the interval is 5 to 300
// seconds (default 35 for lambda, not the 30 of instance targets), the
// timeout 2 to 120 seconds (default 30 for lambda, not 5 or 6) and less
// than the interval, and each threshold 2 to 10 (defaults 5 and 2).
const (
	minHealthInterval  = 5 * time.Second
	maxHealthInterval  = 300 * time.Second
	minHealthTimeout   = 2 * time.Second
	maxHealthTimeout   = 120 * time.Second
	minHealthThreshold = 2
	maxHealthThreshold = 10
)

// The limits of the function (Lambda): 128 MB to 10,240 MB of memory, a
// timeout of 1 second to 15 minutes.
const (
	minMemoryMB        = 128
	maxMemoryMB        = 10240
	minFunctionTimeout = time.Second
	maxFunctionTimeout = 15 * time.Minute
)

// Settings is what the stack is built from. DefaultSettings has the values
// the app deploys unless the context says otherwise (see readSettings).
type Settings struct {
	// BootstrapDir is the directory holding the function's executable,
	// named bootstrap, as the provided.al2023 runtime wants: deploy/synth
	// builds it from examples/api with the lean build flags.
	BootstrapDir string

	// MultiValueHeaders is the target group's
	// lambda.multi_value_headers.enabled attribute, which the function also
	// gets in its environment (config.MultiValueHeadersEnv).
	MultiValueHeaders bool

	// CertificateARN, when set, is the ACM certificate of an HTTPS
	// listener on port 443, and port 80 then redirects to it. DomainName
	// is then the name the certificate is for, pointed at the load
	// balancer, and the stack's URL uses it.
	CertificateARN string
	DomainName     string

	// HealthPath is the target group's health-check path: config.HealthPath,
	// the path the function answers the checks on.
	HealthPath string

	// The health check's timing, within the limits for lambda targets.
	HealthInterval     time.Duration
	HealthTimeout      time.Duration
	HealthyThreshold   int
	UnhealthyThreshold int

	// The function's memory and timeout.
	MemoryMB int
	Timeout  time.Duration

	// LogRetention is how long the function's log group keeps its lines.
	LogRetention awslogs.RetentionDays
}

// DefaultSettings returns the settings of a deployment with no context:
// the mode and health-check path of package config, HTTP only, a check a
// minute (each check is a billed invocation), and logs kept two weeks.
func DefaultSettings() Settings {
	return Settings{
		MultiValueHeaders:  config.DefaultMultiValueHeaders,
		HealthPath:         config.HealthPath,
		HealthInterval:     60 * time.Second,
		HealthTimeout:      5 * time.Second,
		HealthyThreshold:   2,
		UnhealthyThreshold: 2,
		MemoryMB:           128,
		Timeout:            10 * time.Second,
		LogRetention:       awslogs.RetentionDays_TWO_WEEKS,
	}
}

// certificateARN is the form of an ACM certificate's ARN.
var certificateARN = regexp.MustCompile(`^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+$`)

// domainName is a host name of dot-separated labels.
var domainName = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// Validate reports every setting that CloudFormation, Elastic Load
// Balancing or Lambda would reject, or that would make the target group
// and the function disagree, joined into one error; nil when there is
// none.
func (s Settings) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if s.BootstrapDir == "" {
		bad("BootstrapDir is not set: build the function with deploy/synth")
	} else if fi, err := os.Stat(filepath.Join(s.BootstrapDir, "bootstrap")); err != nil || !fi.Mode().IsRegular() {
		bad("BootstrapDir %q holds no file named bootstrap: build the function with deploy/synth", s.BootstrapDir)
	}
	if s.HealthPath != config.HealthPath {
		bad("HealthPath %q is not the path the function answers health checks on, %q (package config)", s.HealthPath, config.HealthPath)
	}
	if s.HealthInterval%time.Second != 0 || s.HealthInterval < minHealthInterval || s.HealthInterval > maxHealthInterval {
		bad("HealthInterval %v: want whole seconds from %v to %v", s.HealthInterval, minHealthInterval, maxHealthInterval)
	}
	if s.HealthTimeout%time.Second != 0 || s.HealthTimeout < minHealthTimeout || s.HealthTimeout > maxHealthTimeout {
		bad("HealthTimeout %v: want whole seconds from %v to %v", s.HealthTimeout, minHealthTimeout, maxHealthTimeout)
	}
	if s.HealthTimeout >= s.HealthInterval {
		bad("HealthTimeout %v: want less than HealthInterval %v", s.HealthTimeout, s.HealthInterval)
	}
	if s.HealthyThreshold < minHealthThreshold || s.HealthyThreshold > maxHealthThreshold {
		bad("HealthyThreshold %d: want %d to %d", s.HealthyThreshold, minHealthThreshold, maxHealthThreshold)
	}
	if s.UnhealthyThreshold < minHealthThreshold || s.UnhealthyThreshold > maxHealthThreshold {
		bad("UnhealthyThreshold %d: want %d to %d", s.UnhealthyThreshold, minHealthThreshold, maxHealthThreshold)
	}
	if s.MemoryMB < minMemoryMB || s.MemoryMB > maxMemoryMB {
		bad("MemoryMB %d: want %d to %d", s.MemoryMB, minMemoryMB, maxMemoryMB)
	}
	if s.Timeout%time.Second != 0 || s.Timeout < minFunctionTimeout || s.Timeout > maxFunctionTimeout {
		bad("Timeout %v: want whole seconds from %v to %v", s.Timeout, minFunctionTimeout, maxFunctionTimeout)
	}
	if s.LogRetention == "" || s.LogRetention == awslogs.RetentionDays_INFINITE {
		bad("LogRetention is not set: logs would be kept, and billed, forever")
	}
	switch {
	case s.CertificateARN == "" && s.DomainName != "":
		bad("DomainName %q without CertificateARN: the name is only used with HTTPS", s.DomainName)
	case s.CertificateARN != "" && !certificateARN.MatchString(s.CertificateARN):
		bad("CertificateARN %q is not the ARN of an ACM certificate (arn:aws:acm:REGION:ACCOUNT:certificate/ID)", s.CertificateARN)
	case s.CertificateARN != "" && !domainName.MatchString(s.DomainName):
		bad("DomainName %q: HTTPS needs the lower-case host name the certificate is for", s.DomainName)
	}
	return errors.Join(errs...)
}

// multiValueAttribute is the target group attribute of the multi-value
// headers mode.
const multiValueAttribute = "lambda.multi_value_headers.enabled"

// NewStack adds to scope the stack that serves examples/api behind an
// internet-facing Application Load Balancer, as s says, after validating
// s. It has:
//
//   - a VPC with two public subnets only, in two Availability Zones (an
//     ALB needs two), and no NAT gateway: the function is not in the VPC,
//     the load balancer invokes it through the Lambda service;
//   - the load balancer, with an HTTP listener on port 80 that forwards to
//     the function, or, with a certificate, an HTTPS listener on 443 that
//     does and port 80 redirecting there;
//   - the function: provided.al2023 on arm64, the bootstrap in
//     s.BootstrapDir, its log group with s.LogRetention, and in its
//     environment the API token (the stack parameter ApiToken, NoEcho) and
//     the multi-value mode (config.MultiValueHeadersEnv);
//   - a target group of type lambda with the multi-value mode and the
//     health check of s;
//   - the permission for Elastic Load Balancing to invoke the function,
//     only from this target group (and this account);
//   - the outputs Url and LoadBalancerDnsName.
//
// The stack is environment-agnostic: it deploys to the account and region
// of the credentials that deploy it.
func NewStack(scope constructs.Construct, id string, s Settings) (awscdk.Stack, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &awscdk.StackProps{
		Description: jsii.String("examples/api of github.com/albkit/alb on AWS Lambda behind an Application Load Balancer"),
	})

	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("public"),
			SubnetType: awsec2.SubnetType_PUBLIC,
			CidrMask:   jsii.Number(24),
		}},
		// Nothing here uses the default security group; restricting it
		// would take a custom resource, another function.
		RestrictDefaultSecurityGroup: jsii.Bool(false),
	})

	token := awscdk.NewCfnParameter(stack, jsii.String("ApiToken"), &awscdk.CfnParameterProps{
		Type:                  jsii.String("String"),
		NoEcho:                jsii.Bool(true),
		MinLength:             jsii.Number(16),
		AllowedPattern:        jsii.String(`[\x21-\x7e]+`),
		ConstraintDescription: jsii.String("at least 16 printable ASCII characters, no spaces"),
		Description:           jsii.String("The bearer token of the API's write routes (API_TOKEN)."),
	})

	logs := awslogs.NewLogGroup(stack, jsii.String("FunctionLogs"), &awslogs.LogGroupProps{
		Retention:     s.LogRetention,
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
	fn := awslambda.NewFunction(stack, jsii.String("Function"), &awslambda.FunctionProps{
		Description:  jsii.String("examples/api, built with -tags lambda.norpc -trimpath -ldflags='-s -w'"),
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         awslambda.Code_FromAsset(jsii.String(s.BootstrapDir), nil),
		MemorySize:   jsii.Number(float64(s.MemoryMB)),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(s.Timeout.Seconds())),
		LogGroup:     logs,
		Environment: &map[string]*string{
			"API_TOKEN":                 token.ValueAsString(),
			config.MultiValueHeadersEnv: jsii.String(config.FormatMultiValueHeaders(s.MultiValueHeaders)),
		},
	})

	// The target group has a name so that the invoke permission can name
	// it before it exists: the target group registers the function, which
	// needs the permission first, so the permission cannot refer to the
	// target group's ARN itself. The name is unique to the stack.
	tgName := awscdk.Names_UniqueResourceName(stack, &awscdk.UniqueResourceNameOptions{MaxLength: jsii.Number(32)})
	tg := elbv2.NewApplicationTargetGroup(stack, jsii.String("Target"), &elbv2.ApplicationTargetGroupProps{
		TargetGroupName: tgName,
		TargetType:      elbv2.TargetType_LAMBDA,
		HealthCheck: &elbv2.HealthCheck{
			Enabled:                 jsii.Bool(true),
			Path:                    jsii.String(s.HealthPath),
			Interval:                awscdk.Duration_Seconds(jsii.Number(s.HealthInterval.Seconds())),
			Timeout:                 awscdk.Duration_Seconds(jsii.Number(s.HealthTimeout.Seconds())),
			HealthyThresholdCount:   jsii.Number(float64(s.HealthyThreshold)),
			UnhealthyThresholdCount: jsii.Number(float64(s.UnhealthyThreshold)),
			HealthyHttpCodes:        jsii.String("200"),
		},
	})
	// Set either way, so that the template says which mode it is.
	tg.SetAttribute(jsii.String(multiValueAttribute), jsii.String(config.FormatMultiValueHeaders(s.MultiValueHeaders)))

	permission := awslambda.NewCfnPermission(stack, jsii.String("InvokeFromTargetGroup"), &awslambda.CfnPermissionProps{
		Action:        jsii.String("lambda:InvokeFunction"),
		FunctionName:  fn.FunctionArn(),
		Principal:     jsii.String("elasticloadbalancing.amazonaws.com"),
		SourceAccount: awscdk.Aws_ACCOUNT_ID(),
		SourceArn: awscdk.Fn_Sub(jsii.String(
			"arn:${AWS::Partition}:elasticloadbalancing:${AWS::Region}:${AWS::AccountId}:targetgroup/"+*tgName+"/*"), nil),
	})
	cfnTG := tg.Node().DefaultChild().(elbv2.CfnTargetGroup)
	cfnTG.SetTargets(&[]any{&elbv2.CfnTargetGroup_TargetDescriptionProperty{Id: fn.FunctionArn()}})
	cfnTG.AddResourceDependency(permission, jsii.String("the function must allow the target group to invoke it before it is registered"))

	lb := elbv2.NewApplicationLoadBalancer(stack, jsii.String("LoadBalancer"), &elbv2.ApplicationLoadBalancerProps{
		Vpc:            vpc,
		InternetFacing: jsii.Bool(true),
		VpcSubnets:     &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC},
	})

	url := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("http://"), lb.LoadBalancerDnsName()})
	if s.CertificateARN == "" {
		lb.AddListener(jsii.String("Http"), &elbv2.BaseApplicationListenerProps{
			Port:          jsii.Number(80),
			Protocol:      elbv2.ApplicationProtocol_HTTP,
			Open:          jsii.Bool(true),
			DefaultAction: elbv2.ListenerAction_Forward(&[]elbv2.IApplicationTargetGroup{tg}, nil),
		})
	} else {
		lb.AddListener(jsii.String("Https"), &elbv2.BaseApplicationListenerProps{
			Port:          jsii.Number(443),
			Protocol:      elbv2.ApplicationProtocol_HTTPS,
			Open:          jsii.Bool(true),
			Certificates:  &[]elbv2.IListenerCertificate{elbv2.ListenerCertificate_FromArn(jsii.String(s.CertificateARN))},
			SslPolicy:     elbv2.SslPolicy_RECOMMENDED_TLS,
			DefaultAction: elbv2.ListenerAction_Forward(&[]elbv2.IApplicationTargetGroup{tg}, nil),
		})
		lb.AddListener(jsii.String("Http"), &elbv2.BaseApplicationListenerProps{
			Port:     jsii.Number(80),
			Protocol: elbv2.ApplicationProtocol_HTTP,
			Open:     jsii.Bool(true),
			DefaultAction: elbv2.ListenerAction_Redirect(&elbv2.RedirectOptions{
				Protocol:  jsii.String("HTTPS"),
				Port:      jsii.String("443"),
				Permanent: jsii.Bool(true),
			}),
		})
		url = jsii.String("https://" + s.DomainName)
	}

	awscdk.NewCfnOutput(stack, jsii.String("Url"), &awscdk.CfnOutputProps{
		Value:       url,
		Description: jsii.String("The API's base URL: curl URL/api/v1/notes"),
	})
	awscdk.NewCfnOutput(stack, jsii.String("LoadBalancerDnsName"), &awscdk.CfnOutputProps{
		Value:       lb.LoadBalancerDnsName(),
		Description: jsii.String("The load balancer's DNS name, for a CNAME or alias record"),
	})
	return stack, nil
}
