"""Stop the BentoML services of this machine's serving hosts (as `make demo` does on exit).

They are marked stopped; when the host's worker starts again it serves live versions anew.
"""

from django.core.management.base import BaseCommand

from serving.hosts import stop_deployment
from serving.models import Deployment


class Command(BaseCommand):
    help = "Stop every running BentoML service of the given hosts (default: all)."

    def add_arguments(self, parser):
        parser.add_argument("hosts", nargs="*", help="Host names; none means every host.")

    def handle(self, *args, hosts, **options):
        deployments = Deployment.objects.filter(status__in=Deployment.ACTIVE)
        if hosts:
            deployments = deployments.filter(host__name__in=hosts)
        count = 0
        for deployment in deployments:
            stop_deployment(deployment.pk, deployment.pgid)
            count += 1
        self.stdout.write(f"Stopped {count} service(s).")
