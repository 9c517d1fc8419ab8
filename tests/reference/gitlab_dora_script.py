#!/usr/bin/env python3
"""The DORA script many GitLab teams run, written independently of dorascope as the oracle
for `dorascope report --reference gitlab-script` (docs/metrics.md, "Reference computations").

It works on what the GitLab REST API returns, saved to files, and applies the API's own
filters itself:
  GET /projects/:id/deployments?environment=production&status=success
      &updated_after=T-N&updated_before=T                      -> deployment frequency, CFR
  GET /projects/:id/merge_requests?state=merged&updated_after=..&updated_before=..
  GET /projects/:id/merge_requests/:iid/commits                 -> lead time
  GET /projects/:id/issues?labels=incident&state=closed&created_after=..&created_before=..
                                                                -> time to restore
  GET /projects/:id/issues?labels=incident                      -> incidents for CFR

Usage: gitlab_dora_script.py DEPLOYMENTS.json MRS.json COMMITS_DIR ISSUES.json SINCE UNTIL
Prints one JSON object.
"""

import json
import os
import statistics
import sys
from datetime import datetime, timedelta


def ts(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    deployments_file, mrs_file, commits_dir, issues_file, since, until = sys.argv[1:7]
    since, until = ts(since), ts(until)
    days = (until - since).total_seconds() / 86400

    def in_window(t):
        return since <= t <= until

    deployments = [
        d
        for d in json.load(open(deployments_file))
        if d["status"] == "success"
        and d["environment"]["name"] == "production"
        and in_window(ts(d["updated_at"]))
    ]

    lead = []
    for mr in json.load(open(mrs_file)):
        if mr["state"] != "merged" or not in_window(ts(mr["updated_at"])):
            continue
        path = os.path.join(commits_dir, f"{mr['iid']}.json")
        if not os.path.exists(path):
            continue
        commits = json.load(open(path))
        if not commits:
            continue
        first = min(ts(c["created_at"]) for c in commits)
        lead.append((ts(mr["merged_at"]) - first).total_seconds())

    issues = [i for i in json.load(open(issues_file)) if "incident" in i["labels"]]
    restore = [
        (ts(i["closed_at"]) - ts(i["created_at"])).total_seconds()
        for i in issues
        if i["state"] == "closed" and in_window(ts(i["created_at"]))
    ]

    failed = 0
    for d in deployments:
        created = ts(d["created_at"])
        if any(
            timedelta(0) <= ts(i["created_at"]) - created <= timedelta(hours=48)
            for i in issues
        ):
            failed += 1

    print(
        json.dumps(
            {
                "deployment_frequency": len(deployments) / days,
                "deployments": len(deployments),
                "lead_time": statistics.median(lead) if lead else None,
                "lead_time_n": len(lead),
                "time_to_restore": statistics.median(restore) if restore else None,
                "time_to_restore_n": len(restore),
                "failed": failed,
            }
        )
    )


main()
