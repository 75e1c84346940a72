from django.urls import path

from bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("notices/", views.notice_list, name="list"),
    path("notices/read/", views.mark_all_read, name="mark_all_read"),
    path("notices/<int:notice_id>/", views.notice_detail, name="detail"),
    path("notices/<int:notice_id>/files/<int:attachment_id>/", views.attachment, name="attachment"),
    path("notices/manage/", views.manage, name="manage"),
    path("notices/manage/new/", views.create, name="create"),
    path("notices/manage/<int:notice_id>/", views.edit, name="edit"),
    path("notices/manage/<int:notice_id>/files/", views.upload, name="upload"),
    path(
        "notices/manage/<int:notice_id>/files/<int:attachment_id>/remove/",
        views.remove_file,
        name="remove_file",
    ),
    path("notices/manage/<int:notice_id>/publish/", views.publish, name="publish"),
    path("notices/manage/<int:notice_id>/withdraw/", views.withdraw, name="withdraw"),
    path("notices/manage/<int:notice_id>/delete/", views.delete, name="delete"),
    path("help/", views.help_page, name="help"),
    path("help/manage/", views.faq_manage, name="faq_manage"),
    path("help/manage/new/", views.faq_create, name="faq_create"),
    path("help/manage/<int:entry_id>/", views.faq_edit, name="faq_edit"),
]
