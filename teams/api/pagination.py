"""Lists come a page at a time: API_PAGE_SIZE rows, or ?page_size= from 1 to 1,000 (anything
else is a 400 that says so, not a silent default)."""

from django.conf import settings
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    @property
    def page_size(self):
        return settings.REST_FRAMEWORK["PAGE_SIZE"]

    def get_page_size(self, request):
        asked = request.query_params.getlist(self.page_size_query_param)
        if not asked:
            return self.page_size
        text = asked[-1]
        if len(asked) > 1 or not text.isdigit() or not 1 <= int(text) <= self.max_page_size:
            raise ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}, given once."]}
            )
        return int(text)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
            elif parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
        return parameters
