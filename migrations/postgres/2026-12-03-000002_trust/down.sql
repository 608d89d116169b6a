DROP TABLE log_subtrees;
DROP TABLE log_entries;
DROP TABLE certificate_status;
