"""Lists come a page at a time: API_PAGE_SIZE rows, or ?page_size= up to 1,000."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000

    @property
    def page_size(self):
        return settings.REST_FRAMEWORK["PAGE_SIZE"]
