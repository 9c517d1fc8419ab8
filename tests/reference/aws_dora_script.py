#!/usr/bin/env python3
"""The seed article's AWS collector (`AWSDORAMetrics.get_all_metrics(days)`), written
independently of dorascope as the oracle for `dorascope report --reference aws-script`
(docs/metrics.md, "aws-script").

The collector's logic is kept as it is, quirks included. Only boto3 is replaced: a fake client
answers each call from the exported files, applying the call's own parameters the way the API
does, and `datetime.now()` is UNTIL:
  cloudwatch.get_metric_statistics(Namespace='DORA', MetricName=M, StartTime, EndTime, Period)
      -> the datapoints of M.json with StartTime <= Timestamp < EndTime; with a Period longer
         than a day, one datapoint holding their sum (none when there are none)
  codepipeline.list_pipeline_executions(maxResults=100)
      -> the first 100 summaries of EXECUTIONS.json; times become datetimes as boto3 gives
         them (epoch seconds in the machine's zone, here UTC; ISO text keeps its offset)
  codecommit.get_commit(commitId=C) -> COMMITS_DIR/C.json, or an exception when it is missing
  cloudwatch.describe_alarm_history(HistoryItemType='StateUpdate', StartDate, MaxRecords=100)
      -> the first 100 StateUpdate items of ALARMS.json with StartDate <= Timestamp <= now

Usage: aws_dora_script.py EXECUTIONS.json COMMITS_DIR ALARMS.json COUNT.json FAILURE.json SINCE UNTIL
Prints one JSON object.
"""

import json
import os
import statistics
import sys
from datetime import datetime, timedelta, timezone


def aware(value):
    """A timestamp as boto3 hands it over."""
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, timezone.utc)
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class FakeAWS:
    def __init__(self, executions, commits_dir, alarms, metrics, now):
        self.executions, self.commits_dir, self.alarms = executions, commits_dir, alarms
        self.metrics, self.now = metrics, now

    def get_metric_statistics(self, Namespace, MetricName, Dimensions, StartTime, EndTime, Period, Statistics):
        assert Namespace == "DORA" and Statistics == ["Sum"]
        with open(self.metrics[MetricName]) as f:
            points = json.load(f)["Datapoints"]
        inside = [p for p in points if StartTime <= aware(p["Timestamp"]) < EndTime]
        if Period > 86400 and inside:
            inside = [{"Timestamp": StartTime, "Sum": sum(p["Sum"] for p in inside)}]
        return {"Label": MetricName, "Datapoints": inside}

    def list_pipeline_executions(self, pipelineName, maxResults):
        with open(self.executions) as f:
            summaries = json.load(f)["pipelineExecutionSummaries"][:maxResults]
        for s in summaries:
            for key in ("startTime", "lastUpdateTime"):
                if key in s:
                    s[key] = aware(s[key])
        return {"pipelineExecutionSummaries": summaries}

    def get_commit(self, repositoryName, commitId):
        path = os.path.join(self.commits_dir, f"{commitId}.json")
        if not os.path.exists(path):
            raise Exception(f"CommitDoesNotExistException: {commitId}")
        with open(path) as f:
            return json.load(f)

    def describe_alarm_history(self, AlarmName, HistoryItemType, StartDate, MaxRecords):
        with open(self.alarms) as f:
            items = json.load(f)["AlarmHistoryItems"]
        out = []
        for item in items:
            t = aware(item["Timestamp"])
            if item["HistoryItemType"] == HistoryItemType and StartDate <= t <= self.now:
                out.append(dict(item, Timestamp=t))
        return {"AlarmHistoryItems": out[:MaxRecords]}


class Collector:
    """The collector, its boto3 clients replaced by the fake."""

    def __init__(self, aws, now):
        self.cloudwatch = self.codepipeline = self.codecommit = aws
        self.now = now

    def deployment_frequency(self, days):
        start = self.now - timedelta(days=days)
        response = self.cloudwatch.get_metric_statistics(
            Namespace="DORA", MetricName="DeploymentCount",
            Dimensions=[{"Name": "PipelineName", "Value": "my-app-pipeline"}],
            StartTime=start, EndTime=self.now, Period=86400, Statistics=["Sum"])
        total = sum(dp["Sum"] for dp in response["Datapoints"])
        return {"total_deployments": total, "frequency_per_day": total / days}

    def lead_time(self, pipeline_name, days):
        since_date = (self.now - timedelta(days=days)).isoformat()  # computed, never used
        response = self.codepipeline.list_pipeline_executions(pipelineName=pipeline_name, maxResults=100)
        lead_times = []
        for execution in response["pipelineExecutionSummaries"]:
            if execution.get("status") != "Succeeded":
                continue
            revisions = execution.get("sourceRevisions", [])
            if not revisions:
                continue
            commit_id = revisions[0].get("revisionId")
            if not commit_id:
                continue
            try:
                commit = self.codecommit.get_commit(repositoryName="my-repo", commitId=commit_id)
                text = commit["commit"]["committer"]["date"]
                commit_time = datetime.fromisoformat(text.replace("Z", "+00:00"))
                end = execution["lastUpdateTime"].replace(tzinfo=None)
                lead_times.append((end - commit_time.replace(tzinfo=None)).total_seconds() / 3600)
            except Exception as e:
                print(f"Error getting commit details: {e}", file=sys.stderr)
                continue
        return (statistics.median(lead_times) if lead_times else None), len(lead_times)

    def mttr(self, alarm_name, days):
        since_date = self.now - timedelta(days=days)
        response = self.cloudwatch.describe_alarm_history(
            AlarmName=alarm_name, HistoryItemType="StateUpdate", StartDate=since_date, MaxRecords=100)
        incidents = []
        current = None
        for item in response["AlarmHistoryItems"]:
            timestamp = item["Timestamp"]
            data = item.get("HistoryData", "")
            if "ALARM" in data and current is None:
                current = {"detected_at": timestamp}
            elif "OK" in data and current:
                current["resolved_at"] = timestamp
                incidents.append((current["resolved_at"] - current["detected_at"]).total_seconds() / 3600)
                current = None
        return (statistics.median(incidents) if incidents else None), len(incidents)

    def change_failure_rate(self, days):
        start = self.now - timedelta(days=days)

        def whole(metric):
            return self.cloudwatch.get_metric_statistics(
                Namespace="DORA", MetricName=metric,
                Dimensions=[{"Name": "PipelineName", "Value": "my-app-pipeline"}],
                StartTime=start, EndTime=self.now, Period=86400 * days, Statistics=["Sum"])

        count, failures = whole("DeploymentCount"), whole("DeploymentFailure")
        total = count["Datapoints"][0]["Sum"] if count["Datapoints"] else 0
        failed = failures["Datapoints"][0]["Sum"] if failures["Datapoints"] else 0
        if total > 0:
            return {"total_deployments": total, "failed_deployments": failed,
                    "failure_rate": (failed / total) * 100}
        return None


def main():
    executions, commits_dir, alarms, count, failure, since, until = sys.argv[1:8]
    since, until = aware(since), aware(until)
    days = (until - since).total_seconds() / 86400
    aws = FakeAWS(executions, commits_dir, alarms,
                  {"DeploymentCount": count, "DeploymentFailure": failure}, until)
    c = Collector(aws, until)
    df = c.deployment_frequency(days)
    lead, lead_n = c.lead_time("my-app-pipeline", days)
    mttr, mttr_n = c.mttr("high-error-rate", days)
    cfr = c.change_failure_rate(days)
    print(json.dumps({
        "deployment_frequency": df["frequency_per_day"],
        "total_deployments": df["total_deployments"],
        "lead_time_hours": lead,
        "lead_time_n": lead_n,
        "mttr_hours": mttr,
        "mttr_n": mttr_n,
        "failure_rate_percent": cfr["failure_rate"] if cfr else None,
        "failed_deployments": cfr["failed_deployments"] if cfr else None,
    }))


main()
