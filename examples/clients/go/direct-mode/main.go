// Direct mode with the Go client: build a workflow vertex by vertex and edge by edge, start
// it, wait until it has finished, then read its results and events.
//
//	cd examples/clients/go && JOBGRAPH_API=http://127.0.0.1:8080 go run ./direct-mode
//
// A worker must be serving the API (jobgraph worker start). The last line printed is a JSON
// summary.
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

func main() {
	ctx := context.Background()
	client := jobgraph.Connect("", "")
	docs, edges := client.DocumentsAPI, client.EdgesAPI

	created, _, err := client.WorkflowsAPI.CreateWorkflow(ctx).
		RequestBody(jobgraph.Spec(map[string]interface{}{"name": "direct-mode-go"})).Execute()
	must(err)
	wf := created.Key

	// Vertices: two jobs and the file that passes between them.
	makeJob, _, err := docs.CreateJob(ctx, wf).JobCreate(*jobgraph.NewJobCreate("echo hello > greeting.txt", "make")).Execute()
	must(err)
	useJob, _, err := docs.CreateJob(ctx, wf).JobCreate(*jobgraph.NewJobCreate("cat greeting.txt", "use")).Execute()
	must(err)
	greeting, _, err := docs.CreateFile(ctx, wf).FileCreate(*jobgraph.NewFileCreate("greeting", "greeting.txt")).Execute()
	must(err)

	// Edges: make produces the file and use needs it; starting derives make blocks use.
	_, _, err = edges.CreateProducesEdge(ctx, wf).EdgeCreate(*jobgraph.NewEdgeCreate(makeJob.Id, greeting.Id)).Execute()
	must(err)
	_, _, err = edges.CreateNeedsEdge(ctx, wf).EdgeCreate(*jobgraph.NewEdgeCreate(useJob.Id, greeting.Id)).Execute()
	must(err)

	_, _, err = client.WorkflowsAPI.StartWorkflow(ctx, wf).StartWorkflowRequest(*jobgraph.NewStartWorkflowRequest()).Execute()
	must(err)
	status, err := jobgraph.WaitForWorkflow(ctx, client, wf, 5*time.Minute, 500*time.Millisecond)
	must(err)

	results, _, err := docs.ListResults(ctx, wf).Execute()
	must(err)
	events, _, err := docs.ListEvents(ctx, wf).Execute()
	must(err)
	for _, r := range results.Items {
		fmt.Printf("result %s: return code %v\n", r.Key, r.AdditionalProperties["return_code"])
	}
	for _, e := range events.Items {
		fmt.Printf("event %v\n", e.AdditionalProperties["type"])
	}
	summary, _ := json.Marshal(map[string]interface{}{
		"workflow":  wf,
		"status":    status.Status,
		"completed": status.Counts.Completed,
		"results":   len(results.Items),
		"events":    len(events.Items),
	})
	fmt.Println(string(summary))
	if status.Status != "completed" {
		os.Exit(1)
	}
}

func must(err error) {
	if err != nil {
		if apiErr, ok := err.(*jobgraph.GenericOpenAPIError); ok {
			log.Fatalf("%v: %s", err, apiErr.Body())
		}
		log.Fatal(err)
	}
}
