"""Cloud Tasks v2 routes: tasks.create on a queue, as the nightly fan-out uses it.

Cloud Tasks accepts only the `cloud-platform` scope (the server's scope check); a task name is taken
once (409 ALREADY_EXISTS for a second one), and an HTTP task's dispatchDeadline must be between 15
seconds and 30 minutes.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .call import Call
from .model import ApiError
from .world import rfc3339

Route = Callable[[Call], Any]
ROUTES: dict[str, Route] = {}
READS: set[str] = {"projects.locations.queues.tasks.get", "projects.locations.queues.tasks.list"}
_DEADLINE = re.compile(r"^(\d+(?:\.\d+)?)s$")


def route(method_id: str) -> Callable[[Route], Route]:
    def register(function: Route) -> Route:
        ROUTES[method_id] = function
        return function
    return register


@route("projects.locations.queues.tasks.create")
def create_task(call: Call) -> dict[str, Any]:
    queue = f"projects/{call.params['projectsId']}/locations/{call.params['locationsId']}/queues/{call.params['queuesId']}"
    task = dict((call.body or {}).get("task") or {})
    deadline = task.get("dispatchDeadline")
    if deadline is not None:
        match = _DEADLINE.match(str(deadline))
        if not match or not 15 <= float(match.group(1)) <= 1800:
            raise ApiError(400, "INVALID_ARGUMENT", "Task.dispatchDeadline must be between 15s and 1800s.")
    name = task.get("name") or f"{queue}/tasks/{len(call.world.tasks) + 1}"
    if not name.startswith(f"{queue}/tasks/"):
        raise ApiError(400, "INVALID_ARGUMENT", "Task name does not belong to the queue.")
    if name in call.world.tasks:
        raise ApiError(409, "ALREADY_EXISTS", "Requested entity already exists")
    now = rfc3339(call.world.stamp())
    made = {**task, "name": name, "createTime": now, "scheduleTime": now, "view": "BASIC"}
    made.get("httpRequest", {}).pop("body", None)       # BASIC view leaves the body out
    call.world.tasks[name] = {**task, "name": name}
    return made
