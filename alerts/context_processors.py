def open_alerts(request):
    return {}
