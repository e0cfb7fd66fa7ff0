using Xunit.Sdk;
using Xunit.v3;

// These tests time real sockets (reply timeouts, close grace periods, a 200-client load) on a small shared machine;
// run one at a time so the load test does not starve another test's timeout.
[assembly: Parallelization(Mode = ParallelMode.None)]
