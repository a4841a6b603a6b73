// Hand-written (kept by .openapi-generator-ignore): a thin convenience layer over the generated
// client, like jobgraph_client in Python. Connect reads JOBGRAPH_API and JOBGRAPH_TOKEN as the
// jobgraph CLI does; WaitForWorkflow polls until a workflow has finished.

package jobgraph

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"
)

// DefaultAPI is the API base URL when neither the argument nor JOBGRAPH_API gives one.
const DefaultAPI = "http://127.0.0.1:8080"

// Connect returns a client for api (default: $JOBGRAPH_API, else DefaultAPI) that sends
// token (default: $JOBGRAPH_TOKEN) as "Authorization: Bearer <token>" when there is one.
func Connect(api, token string) *APIClient {
	if api == "" {
		api = os.Getenv("JOBGRAPH_API")
	}
	if api == "" {
		api = DefaultAPI
	}
	if token == "" {
		token = os.Getenv("JOBGRAPH_TOKEN")
	}
	cfg := NewConfiguration()
	// The document's paths carry the /api/v1 prefix, so the server URL is the bare base.
	cfg.Servers = ServerConfigurations{{URL: strings.TrimRight(api, "/")}}
	if token != "" {
		cfg.AddDefaultHeader("Authorization", "Bearer "+token)
	}
	return NewAPIClient(cfg)
}

// Spec turns a spec (the shape of a YAML/JSON spec file) into CreateWorkflow's request body.
func Spec(spec map[string]interface{}) map[string]*interface{} {
	body := make(map[string]*interface{}, len(spec))
	for k, v := range spec {
		value := v
		body[k] = &value
	}
	return body
}

// FinalWorkflowStatuses are those after which nothing more runs unless the workflow is restarted.
var FinalWorkflowStatuses = map[string]bool{"completed": true, "failed": true, "canceled": true}

// WaitForWorkflow polls the workflow's status every poll until it is final, and fails once
// timeout has passed, naming the last status.
func WaitForWorkflow(ctx context.Context, client *APIClient, wf string, timeout, poll time.Duration) (*WorkflowStatus, error) {
	deadline := time.Now().Add(timeout)
	for {
		status, _, err := client.WorkflowsAPI.GetWorkflowStatus(ctx, wf).Execute()
		if err != nil {
			return nil, fmt.Errorf("status of workflow %s: %w", wf, err)
		}
		if FinalWorkflowStatuses[status.Status] {
			return status, nil
		}
		if time.Now().After(deadline) {
			return status, fmt.Errorf("workflow %s is still %s after %s", wf, status.Status, timeout)
		}
		select {
		case <-ctx.Done():
			return status, ctx.Err()
		case <-time.After(poll):
		}
	}
}
