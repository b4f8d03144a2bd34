print("cnn-tui")
