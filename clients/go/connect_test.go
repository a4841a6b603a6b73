// Hand-written (kept by .openapi-generator-ignore): the generated client and Connect against
// a live jobgraph API named by JOBGRAPH_API. Run by test/clients/go-client.test.ts, which
// starts a server and a worker.

package jobgraph

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

func live(t *testing.T) *APIClient {
	t.Helper()
	if os.Getenv("JOBGRAPH_API") == "" {
		t.Skip("JOBGRAPH_API is not set: this test needs a live jobgraph API")
	}
	return Connect("", "")
}

func TestConnectSendsTheToken(t *testing.T) {
	t.Setenv("JOBGRAPH_TOKEN", "s3cret")
	client := Connect("http://example.invalid:9/", "")
	cfg := client.GetConfig()
	if got := cfg.DefaultHeader["Authorization"]; got != "Bearer s3cret" {
		t.Fatalf("Authorization header: got %q", got)
	}
	if got := cfg.Servers[0].URL; got != "http://example.invalid:9" {
		t.Fatalf("server URL: got %q", got)
	}
}

func TestDirectModeRoundTrip(t *testing.T) {
	client := live(t)
	ctx := context.Background()
	wf, _, err := client.WorkflowsAPI.CreateWorkflow(ctx).RequestBody(Spec(map[string]interface{}{"name": "go-test"})).Execute()
	if err != nil {
		t.Fatal(err)
	}
	job, _, err := client.DocumentsAPI.CreateJob(ctx, wf.Key).JobCreate(*NewJobCreate("true", "a")).Execute()
	if err != nil {
		t.Fatal(err)
	}
	page, _, err := client.DocumentsAPI.ListJobs(ctx, wf.Key).Status("uninitialized").Execute()
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 1 || page.Items[0].Key != job.Key {
		t.Fatalf("listed jobs: %+v", page.Items)
	}
}

func TestProblemJSONErrors(t *testing.T) {
	client := live(t)
	_, resp, err := client.WorkflowsAPI.GetWorkflow(context.Background(), "no-such-workflow").Execute()
	var apiErr *GenericOpenAPIError
	if !errors.As(err, &apiErr) || resp == nil || resp.StatusCode != 404 {
		t.Fatalf("want a 404 GenericOpenAPIError, got %v (%v)", err, resp)
	}
	if !strings.Contains(string(apiErr.Body()), `"code":"not_found"`) {
		t.Fatalf("problem body: %s", apiErr.Body())
	}
}

func TestSpecRunsOnTheWorker(t *testing.T) {
	client := live(t)
	ctx := context.Background()
	spec := map[string]interface{}{
		"name": "go-test-spec",
		"jobs": []interface{}{map[string]interface{}{"name": "one", "command": "true"}},
	}
	wf, _, err := client.WorkflowsAPI.CreateWorkflow(ctx).RequestBody(Spec(spec)).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := client.WorkflowsAPI.StartWorkflow(ctx, wf.Key).StartWorkflowRequest(*NewStartWorkflowRequest()).Execute(); err != nil {
		t.Fatal(err)
	}
	status, err := WaitForWorkflow(ctx, client, wf.Key, 4*time.Minute, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if status.Status != "completed" || status.Counts.Completed != 1 {
		t.Fatalf("status: %+v", status)
	}
}
