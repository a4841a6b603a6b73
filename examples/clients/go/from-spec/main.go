// Create a workflow from a spec with the Go client, start it, wait, read its jobs.
//
//	cd examples/clients/go && JOBGRAPH_API=http://127.0.0.1:8080 go run ./from-spec
//
// The spec has the shape of a YAML/JSON spec file (see examples/diamond.yaml). A worker must
// be serving the API. The last line printed is a JSON summary.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"time"

	jobgraph "github.com/jobgraph/jobgraph-go"
)

type job = map[string]interface{}

var spec = map[string]interface{}{
	"name": "diamond-go",
	"jobs": []interface{}{
		job{"name": "split", "command": "echo split"},
		job{"name": "left", "command": "echo left", "depends_on": []string{"split"}},
		job{"name": "right", "command": "echo right", "depends_on": []string{"split"}},
		job{"name": "join", "command": "echo join", "depends_on": []string{"left", "right"}},
	},
}

func main() {
	ctx := context.Background()
	client := jobgraph.Connect("", "")
	created, _, err := client.WorkflowsAPI.CreateWorkflow(ctx).RequestBody(jobgraph.Spec(spec)).Execute()
	if err != nil {
		log.Fatal(err)
	}
	wf := created.Key
	if _, _, err := client.WorkflowsAPI.StartWorkflow(ctx, wf).StartWorkflowRequest(*jobgraph.NewStartWorkflowRequest()).Execute(); err != nil {
		log.Fatal(err)
	}
	status, err := jobgraph.WaitForWorkflow(ctx, client, wf, 5*time.Minute, 500*time.Millisecond)
	if err != nil {
		log.Fatal(err)
	}
	jobs, _, err := client.DocumentsAPI.ListJobs(ctx, wf).Execute()
	if err != nil {
		log.Fatal(err)
	}
	for _, j := range jobs.Items {
		fmt.Printf("%v: %v\n", j.AdditionalProperties["name"], j.AdditionalProperties["status"])
	}
	summary, _ := json.Marshal(map[string]interface{}{"workflow": wf, "status": status.Status, "completed": status.Counts.Completed})
	fmt.Println(string(summary))
	if status.Status != "completed" {
		os.Exit(1)
	}
}
