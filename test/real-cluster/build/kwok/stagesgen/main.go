// Command stagesgen prints the KWOK stages used by the test cluster as one
// multi-document YAML file for `kwok --config`. KWOK v0.8.0 has no built-in
// stages, so the standalone controller needs this file.
//
// They are kwokctl's defaults (node-initialize, node-heartbeat-with-lease,
// pod-ready, pod-complete, pod-delete) taken from the kwok module itself, with
// one change: pod-complete (Job pods -> Succeeded) only applies to pods that
// carry the annotation kube-priority-lens.test/complete: "true". Without it a
// Job's pods would finish instantly, and long-running test Jobs (the victims of
// preemption scenarios) could not exist.
package main

import (
	"fmt"
	"os"
	"strings"

	nodefast "sigs.k8s.io/kwok/kustomize/stage/node/fast"
	nodelease "sigs.k8s.io/kwok/kustomize/stage/node/heartbeat-with-lease"
	podfast "sigs.k8s.io/kwok/kustomize/stage/pod/fast"
)

const completeAnnotation = "kube-priority-lens.test/complete"

func optInComplete(stage string) string {
	const anchor = "  selector:\n    matchExpressions:\n"
	if strings.Count(stage, anchor) != 1 {
		fmt.Fprintln(os.Stderr, "stagesgen: unexpected pod-complete stage layout; update stagesgen/main.go")
		os.Exit(1)
	}
	expr := "    - key: '.metadata.annotations[\"" + completeAnnotation + "\"]'\n" +
		"      operator: 'In'\n" +
		"      values:\n" +
		"      - 'true'\n"
	return strings.Replace(stage, anchor, anchor+expr, 1)
}

func main() {
	docs := []string{
		nodefast.DefaultNodeInit,
		nodelease.DefaultNodeHeartbeatWithLease,
		podfast.DefaultPodReady,
		optInComplete(podfast.DefaultPodComplete),
		podfast.DefaultPodDelete,
	}
	for i, d := range docs {
		if i > 0 {
			fmt.Println("---")
		}
		fmt.Println(strings.TrimRight(d, "\n"))
	}
}
