"""The seeds' agent-API load shape, cut down: create workflows (weight 3) and read their status (weight 1)."""

import uuid

from locust import HttpUser, between, task


class AgentUser(HttpUser):
    wait_time = between(0.01, 0.05)

    @task(3)
    def create_workflow(self):
        self.client.post("/api/v1/workflows", json={"workflow_id": str(uuid.uuid4())}, name="create_workflow")

    @task(1)
    def status(self):
        self.client.get("/api/v1/status", name="status")
