import CNNModel
