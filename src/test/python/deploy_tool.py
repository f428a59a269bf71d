#!/usr/bin/env python3
"""A deployment tool written against the public innominatus API with Python grpcio.

It drives the service the way CI/CD tooling would: list products, validate a candidate workflow,
plan a deployment, and read rich error details (google.rpc.Status) from failures. Stubs are generated
at run time from the project's .proto files, so nothing here depends on the Java implementation.

Usage: deploy_tool.py --target HOST:PORT --protos DIR --rpc-protos DIR --examples DIR
Exits non-zero with a message when the service does not behave as the API promises.
"""
import argparse
import importlib
import os
import subprocess
import sys
import tempfile


ERROR_DETAILS = """syntax = "proto3";
package google.rpc;
message ErrorInfo {
  string reason = 1;
  string domain = 2;
  map<string, string> metadata = 3;
}
message BadRequest {
  message FieldViolation {
    string field = 1;
    string description = 2;
  }
  repeated FieldViolation field_violations = 1;
}
"""


def generate_stubs(proto_dirs, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    files = []
    for root in proto_dirs:
        for dirpath, _, names in os.walk(root):
            files += [os.path.relpath(os.path.join(dirpath, n), root) for n in names if n.endswith(".proto")]
    import grpc_tools
    well_known = os.path.join(os.path.dirname(grpc_tools.__file__), "_proto")
    args = [sys.executable, "-m", "grpc_tools.protoc", "-I" + well_known]
    args += ["-I" + d for d in proto_dirs]
    args += ["--python_out=" + out_dir, "--grpc_python_out=" + out_dir] + files
    subprocess.run(args, check=True)
    # Generated packages stay namespace packages (no __init__.py) so that google.rpc merges with the
    # installed google.protobuf instead of hiding it.
    sys.path.insert(0, out_dir)


def check(condition, message):
    if not condition:
        print("FAILED: " + message)
        sys.exit(1)


def rich_status(error):
    from google.rpc import status_pb2
    for key, value in error.trailing_metadata() or ():
        if key == "grpc-status-details-bin":
            status = status_pb2.Status()
            status.ParseFromString(value)
            return status
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True)
    parser.add_argument("--protos", required=True)
    parser.add_argument("--rpc-protos", required=True)
    parser.add_argument("--examples", required=True)
    options = parser.parse_args()

    out = tempfile.mkdtemp(prefix="innominatus-py-")
    details = os.path.join(out, "details")
    os.makedirs(os.path.join(details, "google", "rpc"))
    # The two detail messages this tool reads, with the field numbers of google/rpc/error_details.proto.
    with open(os.path.join(details, "google", "rpc", "error_details.proto"), "w") as f:
        f.write(ERROR_DETAILS)
    generate_stubs([options.protos, options.rpc_protos, details], os.path.join(out, "stubs"))
    import grpc
    ws = importlib.import_module("innominatus.workflow.v1.workflow_service_pb2")
    wsg = importlib.import_module("innominatus.workflow.v1.workflow_service_pb2_grpc")
    wf = importlib.import_module("innominatus.workflow.v1.workflow_pb2")
    from google.rpc import error_details_pb2

    channel = grpc.insecure_channel(options.target)
    grpc.channel_ready_future(channel).result(timeout=20)
    stub = wsg.WorkflowServiceStub(channel)

    products = stub.ListProducts(ws.ListProductsRequest(), timeout=20)
    names = [p.name for p in products.products]
    print("products: " + ", ".join(names))
    check("ecommerce" in names, "ecommerce product missing")

    candidate = "\n".join([
        "apiVersion: workflow.dev/v1",
        "kind: ProductWorkflow",
        "metadata:",
        "  name: smoke-test",
        "  product: ecommerce",
        "  owner: ecommerce-qa",
        "  phase: post-deployment",
        "spec:",
        "  triggers: [product_deployment]",
        "  steps:",
        "    - name: probe",
        "      type: exec",
        "      dependsOn: [warmup]",
        ""])
    validation = stub.ValidateWorkflow(ws.ValidateWorkflowRequest(
        yaml=candidate, file_name="products/ecommerce/smoke-test.yaml"), timeout=20)
    for d in validation.diagnostics:
        print("diagnostic: %s:%d:%d %s %s" % (d.file, d.line, d.column, d.code, d.message))
    check(not validation.valid, "candidate with an unknown dependency must be invalid")
    check(any(d.code == "UNKNOWN_DEPENDENCY" and d.line == 13 and d.column == 19 for d in validation.diagnostics),
          "UNKNOWN_DEPENDENCY at line 13 expected")

    with open(os.path.join(options.examples, "ecommerce-web.yaml")) as f:
        score = f.read()
    plan = stub.PlanDeployment(ws.PlanDeploymentRequest(score_yaml=score, environment="staging"), timeout=20).plan
    layout = [(wf.Phase.Name(p.phase), [w.workflow_id for w in p.workflows]) for p in plan.phases]
    for phase, workflows in layout:
        print("phase %s: %s" % (phase, ", ".join(workflows)))
    check(layout == [
        ("PHASE_PRE_DEPLOYMENT", ["platform/security-scan", "products/ecommerce/database-setup"]),
        ("PHASE_DEPLOYMENT", ["products/ecommerce/payment-integration", "applications/ecommerce-web/app-deployment"]),
        ("PHASE_POST_DEPLOYMENT", ["platform/cost-monitoring"]),
    ], "unexpected plan layout")
    check(plan.allowed and len(plan.plan_digest) == 64, "plan must be allowed with a digest")
    print("plan digest: " + plan.plan_digest)

    try:
        stub.PlanDeployment(ws.PlanDeploymentRequest(score_yaml="apiVersion: score.dev/v1b1\n", environment="staging"),
                            timeout=20)
        check(False, "malformed Score file accepted")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.INVALID_ARGUMENT, "expected INVALID_ARGUMENT, got %s" % error.code())
        status = rich_status(error)
        check(status is not None, "no google.rpc.Status details")
        info = error_details_pb2.ErrorInfo()
        bad = error_details_pb2.BadRequest()
        check(any(a.Unpack(info) for a in status.details), "no ErrorInfo")
        check(info.domain == "innominatus.io", "wrong ErrorInfo domain " + info.domain)
        check(any(a.Unpack(bad) for a in status.details), "no BadRequest")
        for v in bad.field_violations:
            print("violation: %s: %s" % (v.field, v.description))
        check(any("MISSING_FIELD" in v.description for v in bad.field_violations), "missing-field violation expected")

    try:
        stub.GetWorkflow(ws.GetWorkflowRequest(workflow_id="platform/nope"), timeout=20)
        check(False, "unknown workflow found")
    except grpc.RpcError as error:
        check(error.code() == grpc.StatusCode.NOT_FOUND, "expected NOT_FOUND, got %s" % error.code())
    print("OK")


if __name__ == "__main__":
    main()
