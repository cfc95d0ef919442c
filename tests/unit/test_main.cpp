// unit_tests links gtest_main; this file only anchors the target.
