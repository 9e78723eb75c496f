# Sources of this area: target_sources(easd_protocol PRIVATE ...)
# Folder hierarchy (owner: folders): mail collections and ServerIds, FolderSync/Create/Update/Delete.
target_sources(easd_protocol PRIVATE
  commands/mail_folders.cpp
  commands/folder_hierarchy.cpp
  commands/folder_sync.cpp
  commands/folder_create.cpp
  commands/folder_update.cpp
  commands/folder_delete.cpp
)
