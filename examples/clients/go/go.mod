module jobgraph.example/clients

go 1.23

require github.com/jobgraph/jobgraph-go v0.1.0

// The client generated in this repository (clients/go).
replace github.com/jobgraph/jobgraph-go => ../../../clients/go
