"""Where stored files live (check archives, evidence): the ``MEDIA_ROOT``
folder by default, or an S3-compatible object store that every web and worker
machine shares, so that a worker on one machine writes what the web server on
another serves.

Nothing stored is public: the bucket stays private (no ACL is set on what is
written) and the pages stream each file through a view that asks ``can()``
first (``tracker/downloads.py``); any URL the storage itself makes is signed
and expires after ``STORAGE_S3_URL_EXPIRY_SECONDS``.
"""

from .env import env_int, env_str


def stored_files_storage() -> dict:
    """The ``STORAGES["default"]`` entry the environment asks for."""
    bucket = env_str("STORAGE_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL", ""),
        "region_name": env_str("STORAGE_S3_REGION", ""),
        # Unset: boto3's own chain (the AWS_* variables, the machine's role).
        "access_key": env_str("STORAGE_S3_ACCESS_KEY_ID", ""),
        "secret_key": env_str("STORAGE_S3_SECRET_ACCESS_KEY", ""),
        "location": env_str("STORAGE_S3_PREFIX", ""),
        "addressing_style": env_str("STORAGE_S3_ADDRESSING_STYLE", ""),
    }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **{option: value for option, value in options.items() if value},
            "default_acl": None,  # the bucket's own: private
            "querystring_auth": True,
            "querystring_expire": env_int("STORAGE_S3_URL_EXPIRY_SECONDS", 60, minimum=1),
            # Two evidence files of one name in one month keep both (archives are named by their hash).
            "file_overwrite": False,
        },
    }
