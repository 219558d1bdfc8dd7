from django.apps import AppConfig


class WorkOrdersConfig(AppConfig):
    name = "workorders"
    verbose_name = "维修工单"
