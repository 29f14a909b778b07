from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "microcred.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self):
        from microcred.core import metrics
        from microcred.operations import logs, schedule, tasks  # noqa: F401 (tasks: beat's one task)

        logs.connect_request_finished()  # a request's id is forgotten once its response is sent
        logs.connect_celery_signals()  # the request id travels with the tasks a request queues
        metrics.connect_celery_signals()  # failed tasks are counted
        schedule.connect_beat_catch_up()  # a beat that starts queues the jobs it missed
