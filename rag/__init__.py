"""政策问答助手: offline, cited question answering over Chinese policy documents."""
