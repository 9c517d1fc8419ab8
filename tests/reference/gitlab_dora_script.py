#!/usr/bin/env python3
"""The DORA script many GitLab teams run, written independently of dorascope as the oracle
for `dorascope report --reference gitlab-script` (docs/metrics.md, "Reference computations").

It works on what the GitLab REST API returns, saved to files in full, and plays the API the
script called at UNTIL: each call's filters, the API's order, and the one page the script
read (it never pages):
  GET /projects/:id/deployments?environment=production&updated_after=SINCE&status=success
      &per_page=100          -> ordered by updated_at, then id, ascending (GitLab's implicit
                                order under an updated_at filter); first 100
  GET /projects/:id/merge_requests?state=merged&updated_after=SINCE&per_page=100
                             -> newest created first; first 100
  GET /projects/:id/merge_requests/:iid/commits
                             -> the API's default page of 20, in the file's (the API's) order;
                                the script reads commits[-1]['created_at']
  GET /projects/:id/issues?labels=incident&created_after=SINCE&per_page=100
                             -> issues created by UNTIL, newest created first; first 100;
                                closed means closed by UNTIL. Both time to restore and CFR.

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
    deployments.sort(key=lambda d: (ts(d["updated_at"]), int(d["id"])))
    deployments = deployments[:100]

    merged = [
        mr
        for mr in json.load(open(mrs_file))
        if mr["state"] == "merged" and in_window(ts(mr["updated_at"]))
    ]
    merged.sort(key=lambda mr: (ts(mr["created_at"]), int(mr["iid"])), reverse=True)
    lead = []
    for mr in merged[:100]:
        path = os.path.join(commits_dir, f"{mr['iid']}.json")
        if not os.path.exists(path):
            continue
        commits = json.load(open(path))[:20]
        if not commits:
            continue
        first = ts(commits[-1]["created_at"])
        lead.append((ts(mr["merged_at"]) - first).total_seconds())

    issues = [
        i
        for i in json.load(open(issues_file))
        if "incident" in i["labels"] and in_window(ts(i["created_at"]))
    ]
    issues.sort(key=lambda i: (ts(i["created_at"]), int(i["iid"])), reverse=True)
    issues = issues[:100]
    restore = [
        (ts(i["closed_at"]) - ts(i["created_at"])).total_seconds()
        for i in issues
        if i["state"] == "closed" and ts(i["closed_at"]) <= until
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
