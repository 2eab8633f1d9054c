package alert

import (
	"encoding/json"
	"fmt"
	"os"
)

// PRFromEvent returns the pull request number of a GitHub Actions event
// file (GITHUB_EVENT_PATH), or 0 when the event is not about a pull
// request.
func PRFromEvent(path string) (int, error) {
	if path == "" {
		return 0, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("reading the event file: %w", err)
	}
	var ev struct {
		PullRequest *struct {
			Number int `json:"number"`
		} `json:"pull_request"`
	}
	if err := json.Unmarshal(b, &ev); err != nil {
		return 0, fmt.Errorf("reading the event file %s: %w", path, err)
	}
	if ev.PullRequest == nil {
		return 0, nil
	}
	return ev.PullRequest.Number, nil
}

// OpensIssue reports whether a run of this event on this ref files a
// regression issue: scheduled runs and pushes to the main branch.
func OpensIssue(event, ref, mainBranch string) bool {
	return event == "schedule" || (event == "push" && ref == "refs/heads/"+mainBranch)
}

// RunURL is the page of a GitHub Actions run, or "" outside one.
func RunURL(serverURL, repo, runID string) string {
	if serverURL == "" || repo == "" || runID == "" {
		return ""
	}
	return serverURL + "/" + repo + "/actions/runs/" + runID
}
