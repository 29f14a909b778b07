from django.urls import path

from microcred.proposals import condition_views, views

app_name = "proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_create, name="create"),
    path("change/<int:mc_id>/", views.change_proposal_create, name="change"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/edit/", views.proposal_edit, name="edit"),
    path("<int:pk>/action/", views.proposal_action, name="action"),
    path("<int:pk>/schedule/", views.proposal_schedule, name="schedule"),
    path("<int:pk>/compare/", views.proposal_compare, name="compare"),
    path("<int:pk>/co-proposers/", views.co_proposer_add, name="co-proposer-add"),
    path("<int:pk>/co-proposers/<int:person_id>/remove/", views.co_proposer_remove, name="co-proposer-remove"),
    path("<int:pk>/co-proposers/leave/", views.co_proposer_leave, name="co-proposer-leave"),
    path("<int:pk>/reviews/", views.review_add, name="review"),
    path("<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("<int:pk>/documents/<int:document_id>/delete/", views.document_delete, name="document-delete"),
    path("<int:pk>/documents/<int:document_id>/", views.document_download, name="document"),
    path("agenda-items/<int:item_id>/decision/", views.agenda_item_decide, name="decide"),
    path("conditions/<int:condition_id>/", condition_views.condition_detail, name="condition"),
    path("conditions/<int:condition_id>/<str:step>/", condition_views.condition_step, name="condition-step"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/<str:kind>.pdf", views.meeting_pdf, name="meeting-pdf"),
    path("meetings/<int:pk>/papers/", views.paper_add, name="paper-add"),
    path("papers/<int:paper_id>/", views.paper_download, name="paper"),
    path("papers/<int:paper_id>/noted/", views.paper_note, name="paper-note"),
    path("calls/", views.call_list, name="calls"),
]
